using System.Text;
using Commerce.OfflineTemporal.Grpc;

namespace Commerce.OfflineTemporal.Visibility;

internal enum TokenType
{
    Identifier,
    String,
    Number,
    Operator,
    LeftParen,
    RightParen,
    Comma,
    End,
}

internal readonly record struct QueryToken(TokenType Type, string Text, int Position)
{
    public bool IsKeyword(string keyword) => Type == TokenType.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Splits a visibility query (Temporal's SQL-like list filter) into tokens.</summary>
internal static class QueryTokenizer
{
    public static List<QueryToken> Tokenize(string query)
    {
        var tokens = new List<QueryToken>();
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(')
            {
                tokens.Add(new(TokenType.LeftParen, "(", i++));
            }
            else if (c == ')')
            {
                tokens.Add(new(TokenType.RightParen, ")", i++));
            }
            else if (c == ',')
            {
                tokens.Add(new(TokenType.Comma, ",", i++));
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(ReadString(query, ref i));
            }
            else if (c == '`')
            {
                var end = query.IndexOf('`', i + 1);
                if (end < 0)
                {
                    throw Invalid($"unterminated identifier at {i}");
                }

                tokens.Add(new(TokenType.Identifier, query[(i + 1)..end], i));
                i = end + 1;
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < query.Length && char.IsDigit(query[i + 1])))
            {
                var start = i++;
                while (i < query.Length && (char.IsDigit(query[i]) || query[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new(TokenType.Number, query[start..i], start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i++;
                while (i < query.Length && (char.IsLetterOrDigit(query[i]) || query[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new(TokenType.Identifier, query[start..i], start));
            }
            else if (c is '=' or '<' or '>' or '!')
            {
                var start = i++;
                if (i < query.Length && (query[i] == '=' || (c == '<' && query[i] == '>')))
                {
                    i++;
                }

                var op = query[start..i];
                if (op == "!")
                {
                    throw Invalid($"unexpected '!' at {start}");
                }

                tokens.Add(new(TokenType.Operator, op, start));
            }
            else
            {
                throw Invalid($"unexpected character '{c}' at {i}");
            }
        }

        tokens.Add(new(TokenType.End, "", query.Length));
        return tokens;
    }

    private static QueryToken ReadString(string query, ref int i)
    {
        var quote = query[i];
        var start = i++;
        var text = new StringBuilder();
        while (true)
        {
            if (i >= query.Length)
            {
                throw Invalid($"unterminated string at {start}");
            }

            var c = query[i++];
            if (c == '\\' && i < query.Length)
            {
                text.Append(query[i++]);
            }
            else if (c == quote)
            {
                if (i < query.Length && query[i] == quote)
                {
                    text.Append(quote);
                    i++;
                }
                else
                {
                    break;
                }
            }
            else
            {
                text.Append(c);
            }
        }

        return new QueryToken(TokenType.String, text.ToString(), start);
    }

    public static global::Grpc.Core.RpcException Invalid(string message) =>
        ServerErrors.InvalidArgument($"invalid query: {message}");
}
