using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;

namespace Commerce.OfflineTemporal.Engine;

/// <summary>Outcome of a failed attempt: retry after <see cref="Delay"/>, or stop with <see cref="State"/>.</summary>
internal readonly record struct RetryDecision(bool Retry, TimeSpan Delay, RetryState State);

/// <summary>Activity retry semantics as Temporal documents them.</summary>
internal static class RetryPolicies
{
    /// <summary>The server fills unset fields with these defaults, and the filled policy is what history shows.</summary>
    public static RetryPolicy WithDefaults(RetryPolicy? policy)
    {
        var result = policy?.Clone() ?? new RetryPolicy();
        if (result.InitialInterval is null || result.InitialInterval.ToTimeSpan() <= TimeSpan.Zero)
        {
            result.InitialInterval = Duration.FromTimeSpan(TimeSpan.FromSeconds(1));
        }

        if (result.BackoffCoefficient < 1)
        {
            result.BackoffCoefficient = 2;
        }

        if (result.MaximumInterval is null || result.MaximumInterval.ToTimeSpan() <= TimeSpan.Zero)
        {
            result.MaximumInterval = Duration.FromTimeSpan(result.InitialInterval.ToTimeSpan() * 100);
        }

        return result;
    }

    /// <param name="attempt">The attempt that just failed, starting at 1.</param>
    /// <param name="deadline">The schedule-to-close deadline, if any: no retry may start after it.</param>
    public static RetryDecision Evaluate(RetryPolicy policy, int attempt, Failure failure, DateTime now, DateTime? deadline)
    {
        var app = failure.ApplicationFailureInfo;
        if (app is not null && (app.NonRetryable || policy.NonRetryableErrorTypes.Contains(app.Type)))
        {
            return new RetryDecision(false, TimeSpan.Zero, RetryState.NonRetryableFailure);
        }

        if (failure.CanceledFailureInfo is not null || failure.TerminatedFailureInfo is not null)
        {
            return new RetryDecision(false, TimeSpan.Zero, RetryState.NonRetryableFailure);
        }

        if (policy.MaximumAttempts > 0 && attempt >= policy.MaximumAttempts)
        {
            return new RetryDecision(false, TimeSpan.Zero, RetryState.MaximumAttemptsReached);
        }

        // A failure's own next-retry delay overrides the policy's backoff for this one retry.
        var delay = app?.NextRetryDelay is { } own && own.ToTimeSpan() > TimeSpan.Zero
            ? own.ToTimeSpan()
            : Backoff(policy, attempt);

        if (deadline is { } d && now + delay >= d)
        {
            return new RetryDecision(false, TimeSpan.Zero, RetryState.Timeout);
        }

        return new RetryDecision(true, delay, RetryState.InProgress);
    }

    /// <summary>initial x coefficient^(attempt-1), capped at the maximum interval.</summary>
    public static TimeSpan Backoff(RetryPolicy policy, int attempt)
    {
        var initial = policy.InitialInterval.ToTimeSpan().TotalMilliseconds;
        var max = policy.MaximumInterval.ToTimeSpan().TotalMilliseconds;
        var ms = initial * Math.Pow(policy.BackoffCoefficient, Math.Max(0, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, max));
    }
}
