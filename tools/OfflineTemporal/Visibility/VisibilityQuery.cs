using System.Globalization;
using Temporalio.Api.Enums.V1;

namespace Commerce.OfflineTemporal.Visibility;

/// <summary>Reads a field of one workflow execution as a typed value (string, long, double, bool, DateTime, string[] or null).</summary>
internal delegate object? FieldReader(string field);

/// <summary>
/// The subset of Temporal's list filter this server understands: comparisons (=, !=, &lt;&gt;, &lt;,
/// &lt;=, &gt;, &gt;=), IN / NOT IN, BETWEEN, STARTS_WITH, IS [NOT] NULL, AND / OR / NOT,
/// parentheses, ORDER BY and (for counts) GROUP BY ExecutionStatus. Anything else is rejected
/// with InvalidArgument rather than silently matching.
/// </summary>
internal sealed class VisibilityQuery
{
    private readonly List<QueryToken> _tokens;
    private readonly Func<string, IndexedValueType?> _typeOf;
    private int _pos;

    private VisibilityQuery(string text, Func<string, IndexedValueType?> typeOf)
    {
        _tokens = QueryTokenizer.Tokenize(text);
        _typeOf = typeOf;
    }

    public Func<FieldReader, bool> Filter { get; private set; } = _ => true;

    public List<(string Field, bool Descending)> OrderBy { get; } = [];

    public string? GroupBy { get; private set; }

    /// <summary>The built-in attributes every execution has, with their types.</summary>
    public static IReadOnlyDictionary<string, IndexedValueType> SystemFields { get; } = new Dictionary<string, IndexedValueType>(StringComparer.Ordinal)
    {
        ["WorkflowId"] = IndexedValueType.Keyword,
        ["WorkflowType"] = IndexedValueType.Keyword,
        ["RunId"] = IndexedValueType.Keyword,
        ["TaskQueue"] = IndexedValueType.Keyword,
        ["ExecutionStatus"] = IndexedValueType.Keyword,
        ["StartTime"] = IndexedValueType.Datetime,
        ["CloseTime"] = IndexedValueType.Datetime,
        ["ExecutionTime"] = IndexedValueType.Datetime,
        ["HistoryLength"] = IndexedValueType.Int,
        ["ParentWorkflowId"] = IndexedValueType.Keyword,
        ["ParentRunId"] = IndexedValueType.Keyword,
        ["RootWorkflowId"] = IndexedValueType.Keyword,
    };

    public static VisibilityQuery Parse(string text, Func<string, IndexedValueType?> typeOf)
    {
        var query = new VisibilityQuery(text ?? "", typeOf);
        query.ParseQuery();
        return query;
    }

    private QueryToken Current => _tokens[_pos];

    private void ParseQuery()
    {
        if (Current.Type != TokenType.End && !Current.IsKeyword("ORDER") && !Current.IsKeyword("GROUP"))
        {
            Filter = ParseOr();
        }

        if (Current.IsKeyword("GROUP"))
        {
            _pos++;
            Expect("BY");
            var field = ReadField();
            if (field != "ExecutionStatus")
            {
                throw QueryTokenizer.Invalid("GROUP BY is only supported on ExecutionStatus");
            }

            GroupBy = field;
        }

        if (Current.IsKeyword("ORDER"))
        {
            _pos++;
            Expect("BY");
            do
            {
                var field = ReadField();
                var descending = false;
                if (Current.IsKeyword("DESC"))
                {
                    descending = true;
                    _pos++;
                }
                else if (Current.IsKeyword("ASC"))
                {
                    _pos++;
                }

                OrderBy.Add((field, descending));
            }
            while (TryConsume(TokenType.Comma));
        }

        if (Current.Type != TokenType.End)
        {
            throw QueryTokenizer.Invalid($"unexpected '{Current.Text}' at {Current.Position}");
        }
    }

    private Func<FieldReader, bool> ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsKeyword("OR"))
        {
            _pos++;
            var l = left;
            var r = ParseAnd();
            left = x => l(x) || r(x);
        }

        return left;
    }

    private Func<FieldReader, bool> ParseAnd()
    {
        var left = ParseUnary();
        while (Current.IsKeyword("AND"))
        {
            _pos++;
            var l = left;
            var r = ParseUnary();
            left = x => l(x) && r(x);
        }

        return left;
    }

    private Func<FieldReader, bool> ParseUnary()
    {
        if (Current.IsKeyword("NOT"))
        {
            _pos++;
            var inner = ParseUnary();
            return x => !inner(x);
        }

        if (TryConsume(TokenType.LeftParen))
        {
            var inner = ParseOr();
            if (!TryConsume(TokenType.RightParen))
            {
                throw QueryTokenizer.Invalid($"expected ')' at {Current.Position}");
            }

            return inner;
        }

        return ParseComparison();
    }

    private Func<FieldReader, bool> ParseComparison()
    {
        var field = ReadField();
        var type = TypeOf(field);

        if (Current.IsKeyword("IS"))
        {
            _pos++;
            var negate = false;
            if (Current.IsKeyword("NOT"))
            {
                negate = true;
                _pos++;
            }

            Expect("NULL");
            return x => (x(field) is null) != negate;
        }

        var not = false;
        if (Current.IsKeyword("NOT"))
        {
            not = true;
            _pos++;
            if (!Current.IsKeyword("IN"))
            {
                throw QueryTokenizer.Invalid($"expected IN after NOT at {Current.Position}");
            }
        }

        if (Current.IsKeyword("IN"))
        {
            _pos++;
            if (!TryConsume(TokenType.LeftParen))
            {
                throw QueryTokenizer.Invalid($"expected '(' after IN at {Current.Position}");
            }

            var values = new List<object>();
            do
            {
                values.Add(ReadValue(field, type));
            }
            while (TryConsume(TokenType.Comma));

            if (!TryConsume(TokenType.RightParen))
            {
                throw QueryTokenizer.Invalid($"expected ')' at {Current.Position}");
            }

            return x =>
            {
                var actual = x(field);
                var found = actual is not null && values.Any(v => ValueComparer.Equal(actual, v, type));
                return actual is not null && found != not;
            };
        }

        if (Current.IsKeyword("BETWEEN"))
        {
            _pos++;
            var low = ReadValue(field, type);
            Expect("AND");
            var high = ReadValue(field, type);
            return x => x(field) is { } actual && ValueComparer.Compare(actual, low) >= 0 && ValueComparer.Compare(actual, high) <= 0;
        }

        if (Current.IsKeyword("STARTS_WITH"))
        {
            _pos++;
            var prefix = ReadValue(field, type) as string ?? throw QueryTokenizer.Invalid("STARTS_WITH needs a string");
            return x => x(field) is string s && s.StartsWith(prefix, StringComparison.Ordinal);
        }

        if (Current.Type != TokenType.Operator)
        {
            throw QueryTokenizer.Invalid($"expected an operator after {field} at {Current.Position}");
        }

        var op = Current.Text;
        _pos++;
        var value = ReadValue(field, type);
        return op switch
        {
            "=" => x => x(field) is { } a && ValueComparer.Equal(a, value, type),
            "!=" or "<>" => x => x(field) is { } a && !ValueComparer.Equal(a, value, type),
            ">" => x => x(field) is { } a && ValueComparer.Compare(a, value) > 0,
            ">=" => x => x(field) is { } a && ValueComparer.Compare(a, value) >= 0,
            "<" => x => x(field) is { } a && ValueComparer.Compare(a, value) < 0,
            "<=" => x => x(field) is { } a && ValueComparer.Compare(a, value) <= 0,
            _ => throw QueryTokenizer.Invalid($"unsupported operator '{op}'"),
        };
    }

    private string ReadField()
    {
        if (Current.Type != TokenType.Identifier)
        {
            throw QueryTokenizer.Invalid($"expected a search attribute name at {Current.Position}");
        }

        var field = Current.Text;
        _pos++;
        TypeOf(field);
        return field;
    }

    private IndexedValueType TypeOf(string field) =>
        SystemFields.TryGetValue(field, out var t) ? t
        : _typeOf(field) ?? throw QueryTokenizer.Invalid($"unknown search attribute '{field}'");

    /// <summary>Reads a literal and converts it to the field's type now, so a bad literal fails the whole query.</summary>
    private object ReadValue(string field, IndexedValueType type)
    {
        var token = Current;
        if (token.Type is not (TokenType.String or TokenType.Number or TokenType.Identifier))
        {
            throw QueryTokenizer.Invalid($"expected a value at {token.Position}");
        }

        _pos++;
        var text = token.Text;
        try
        {
            if (field == "ExecutionStatus")
            {
                return Enum.TryParse<WorkflowExecutionStatus>(text, ignoreCase: true, out var status) && status != WorkflowExecutionStatus.Unspecified && !int.TryParse(text, out _)
                    ? status.ToString()
                    : throw QueryTokenizer.Invalid($"invalid ExecutionStatus '{text}'");
            }

            return type switch
            {
                IndexedValueType.Int => long.Parse(text, CultureInfo.InvariantCulture),
                IndexedValueType.Double => double.Parse(text, CultureInfo.InvariantCulture),
                IndexedValueType.Bool => bool.Parse(text),
                IndexedValueType.Datetime => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime,
                _ when token.Type == TokenType.Identifier => throw QueryTokenizer.Invalid($"expected a quoted value at {token.Position}"),
                _ => text,
            };
        }
        catch (FormatException)
        {
            throw QueryTokenizer.Invalid($"'{text}' is not a valid {type} value for {field}");
        }
        catch (OverflowException)
        {
            throw QueryTokenizer.Invalid($"'{text}' is out of range for {field}");
        }
    }

    private bool TryConsume(TokenType type)
    {
        if (Current.Type != type)
        {
            return false;
        }

        _pos++;
        return true;
    }

    private void Expect(string keyword)
    {
        if (!Current.IsKeyword(keyword))
        {
            throw QueryTokenizer.Invalid($"expected {keyword} at {Current.Position}");
        }

        _pos++;
    }
}

internal static class ValueComparer
{
    public static bool Equal(object actual, object expected, IndexedValueType type) => actual switch
    {
        string[] list => list.Any(e => Equals(e, expected)),
        string s when type == IndexedValueType.Text && expected is string t => s.Contains(t, StringComparison.OrdinalIgnoreCase),
        _ => Compare(actual, expected) == 0,
    };

    public static int Compare(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (long x, long y) => x.CompareTo(y),
        (long x, double y) => ((double)x).CompareTo(y),
        (double x, double y) => x.CompareTo(y),
        (double x, long y) => x.CompareTo(y),
        (DateTime x, DateTime y) => x.CompareTo(y),
        (bool x, bool y) => x.CompareTo(y),
        (string x, string y) => string.CompareOrdinal(x, y),
        (string[] x, string y) => x.Any(e => e == y) ? 0 : -1,
        _ => string.CompareOrdinal(a.ToString(), b.ToString()),
    };
}
