using System.Text;
using Commerce.OfflineTemporal.Grpc;
using Google.Protobuf;

namespace Commerce.OfflineTemporal.Engine;

internal enum TokenKind
{
    WorkflowTask,
    ActivityTask,
    QueryTask,
}

/// <summary>
/// Task tokens are opaque to the SDK; ours name the run, the scheduling event and the attempt so a
/// late answer to a superseded task (timed out, retried) is recognised and rejected as NotFound.
/// </summary>
internal readonly record struct TaskToken(TokenKind Kind, string RunId, long ScheduledEventId, int Attempt, string QueryId = "")
{
    public ByteString Encode() => ByteString.CopyFromUtf8(Kind switch
    {
        TokenKind.QueryTask => $"Q|{QueryId}",
        TokenKind.ActivityTask => $"A|{RunId}|{ScheduledEventId}|{Attempt}",
        _ => $"W|{RunId}|{ScheduledEventId}|{Attempt}",
    });

    public static TaskToken Decode(ByteString token)
    {
        var parts = Encoding.UTF8.GetString(token.Span).Split('|');
        try
        {
            return parts[0] switch
            {
                "Q" => new TaskToken(TokenKind.QueryTask, "", 0, 0, parts[1]),
                "A" => new TaskToken(TokenKind.ActivityTask, parts[1], long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture)),
                "W" => new TaskToken(TokenKind.WorkflowTask, parts[1], long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture)),
                _ => throw ServerErrors.InvalidArgument("Invalid task token."),
            };
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or FormatException)
        {
            throw ServerErrors.InvalidArgument("Invalid task token.");
        }
    }
}
