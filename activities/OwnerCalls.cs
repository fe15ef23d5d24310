using System.Net;
using System.Text.Json;
using Refit;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Commerce.Activities;

/// <summary>
/// Calls an owning context and classifies its answer for Temporal: refusals become non-retryable failures the
/// saga acts on; outages, 5xx and timeouts stay retryable so the activity's retry policy handles them.
/// </summary>
internal static class OwnerCalls
{
    public static async Task<T> SendAsync<T>(Func<CancellationToken, Task<T>> call, string rejectionType = BusinessFailures.RuleViolated)
    {
        try
        {
            return await call(ActivityExecutionContext.Current.CancellationToken);
        }
        catch (ApiException e) when (e.StatusCode is HttpStatusCode.UnprocessableEntity)
        {
            throw new ApplicationFailureException(Detail(e), rejectionType, nonRetryable: true);
        }
        catch (ApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            throw new ApplicationFailureException(Detail(e), BusinessFailures.RuleViolated, nonRetryable: true);
        }
        catch (ApiException e) when (e.StatusCode is HttpStatusCode.BadRequest)
        {
            // Our own request was malformed: retrying cannot help, but it is a bug to look at, not a rejection.
            throw new ApplicationFailureException(Detail(e), "InvalidRequest", nonRetryable: true);
        }
        catch (ApiException e) when ((int)e.StatusCode >= 500)
        {
            // Retryable as it is; rewrapped only so operators see the owner's own words as the saga's last error.
            throw new ApplicationFailureException(Detail(e), e, "OwnerUnavailable");
        }
    }

    public static Task SendAsync(Func<CancellationToken, Task> call, string rejectionType = BusinessFailures.RuleViolated) =>
        SendAsync(async cancellationToken =>
        {
            await call(cancellationToken);
            return true;
        }, rejectionType);

    /// <summary>The problem details' detail (or title), falling back to the status line.</summary>
    private static string Detail(ApiException e)
    {
        if (!string.IsNullOrWhiteSpace(e.Content))
        {
            try
            {
                using var problem = JsonDocument.Parse(e.Content);
                foreach (var field in (string[])["detail", "title"])
                {
                    if (problem.RootElement.ValueKind == JsonValueKind.Object
                        && problem.RootElement.TryGetProperty(field, out var value)
                        && value.ValueKind == JsonValueKind.String)
                    {
                        return $"{(int)e.StatusCode}: {value.GetString()}";
                    }
                }
            }
            catch (JsonException)
            {
                // Not problem details; the status line below still says what happened.
            }
        }

        return $"{(int)e.StatusCode} {e.ReasonPhrase} from {e.RequestMessage?.RequestUri}";
    }
}
