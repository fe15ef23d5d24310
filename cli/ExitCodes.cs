namespace Commerce.Cli;

/// <summary>Exit codes scripts can branch on.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command line itself was wrong (unknown command, missing or malformed argument).</summary>
    public const int Usage = 2;

    /// <summary>Temporal (or the Commerce API) could not be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>No saga exists for the order.</summary>
    public const int NotFound = 4;

    /// <summary>The saga refused the command, e.g. retry of an order that is not stuck.</summary>
    public const int Refused = 5;

    /// <summary>A batch finished, but some orders in it failed.</summary>
    public const int PartialFailure = 6;

    /// <summary>No operator's token: no secret or token configured, or the token server or the API refused it.</summary>
    public const int Unauthorized = 7;
}
