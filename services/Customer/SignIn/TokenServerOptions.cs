namespace Commerce.Customer.SignIn;

/// <summary>
/// <c>Customer:TokenServer:*</c>, the embedded OAuth 2.0 / OpenID Connect server. Keys are PEM files (run.sh
/// generates them per machine under .local/identity/); in Development without them the server makes throwaway keys
/// for the life of the process, which only a single-process system can use.
/// </summary>
public sealed class TokenServerOptions
{
    public const string Section = "Customer:TokenServer";

    /// <summary>The issuer URL tokens carry (the public address of Customer). Required outside Development.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>RSA private key (PEM) that signs access tokens; its public half is published at /.well-known/jwks.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>RSA private key (PEM) that encrypts refresh tokens (only this server reads them).</summary>
    public string? EncryptionKeyFile { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Failed sign-ins in a row that lock a customer's account for <see cref="LockoutDuration"/>.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
