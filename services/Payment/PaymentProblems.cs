using Commerce.Payment.Gateway;

namespace Commerce.Payment;

internal static class PaymentProblems
{
    /// <summary>503: the gateway may answer later; the caller retries with the same idempotency key.</summary>
    public static ProblemHttpResult Unavailable(PaymentGatewayUnavailableException exception) =>
        TypedResults.Problem(
            exception.Message,
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Payment gateway unavailable",
            extensions: new Dictionary<string, object?> { ["code"] = exception.Code, ["retryable"] = true });

    /// <summary>503: an earlier request with this key is calling the gateway now; retrying with the same key gets its answer.</summary>
    public static ProblemHttpResult InProgress(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            "An earlier request with this Idempotency-Key is waiting for the gateway's answer; retry with the same key.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Payment operation in progress",
            extensions: new Dictionary<string, object?> { ["code"] = "operation_in_progress", ["retryable"] = true });
    }

    /// <summary>422: the gateway gave a final no; retrying cannot help.</summary>
    public static ProblemHttpResult Declined(Guid paymentId, string code) =>
        TypedResults.Problem(
            $"The payment was declined ({code}).",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Payment declined",
            extensions: new Dictionary<string, object?> { ["code"] = code, ["paymentId"] = paymentId, ["retryable"] = false });
}
