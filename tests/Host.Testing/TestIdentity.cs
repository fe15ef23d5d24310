using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Commerce.Activities;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Host.Testing;

/// <summary>
/// The identities the tests use, as the running system knows them: the token server's keys (PEM files written once per
/// test process, as run.sh writes them per machine), a random secret for every client, and real tokens from the
/// token server in Customer — client credentials for operators and services, the password grant for customers.
/// </summary>
public static class TestIdentity
{
    /// <summary>A client the token server knows but no route accepts: the "wrong service" of the authorization tests.</summary>
    public const string StrangerClient = "stranger";

    /// <summary>The password test customers register with.</summary>
    public const string CustomerPassword = "correct horse battery staple";

    private static readonly string KeyDirectory = CreateKeyDirectory();

    /// <summary>Every client of the system, with its role.</summary>
    public static IReadOnlyDictionary<string, string> ClientRoles { get; } = new Dictionary<string, string>
    {
        [Clients.Operator] = Roles.Operator,
        [Clients.For(OwnerClients.SagaWorker)] = Roles.Service,
        [Clients.DataSubjects] = Roles.Service,
        [StrangerClient] = Roles.Service,
        ["customer"] = Roles.Service,
        ["order"] = Roles.Service,
        ["product"] = Roles.Service,
        ["inventory"] = Roles.Service,
        ["payment"] = Roles.Service,
        ["shipping"] = Roles.Service,
        ["notification"] = Roles.Service,
        ["shoppingcart"] = Roles.Service,
        ["pricing"] = Roles.Service,
        ["promotion"] = Roles.Service,
        ["seller"] = Roles.Service,
        ["review"] = Roles.Service,
        ["delivery"] = Roles.Service,
    };

    private static readonly Dictionary<string, string> Secrets =
        ClientRoles.Keys.ToDictionary(id => id, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    /// <summary>The secret of <paramref name="clientId"/>, for a test that signs in as the client itself (the CLI).</summary>
    public static string SecretOf(string clientId) => Secrets[clientId];

    /// <summary>The settings every test host starts with: keys, client secrets and roles.</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = BuildSettings();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> TokenServers = new();

    /// <summary>Remembers where the host at <paramref name="host"/> gets its tokens (its own address when it runs Customer).</summary>
    public static void RegisterHost(Uri host, Uri tokenServer) => TokenServers[host.GetLeftPart(UriPartial.Authority)] = tokenServer;

    /// <summary>A token of the context <paramref name="publisher"/> (its dispatcher's identity), from the token server of the host at <paramref name="host"/>.</summary>
    public static Task<string> PublisherTokenAsync(Uri host, string publisher) =>
        ClientTokenAsync(TokenServers.GetValueOrDefault(host.GetLeftPart(UriPartial.Authority)) ?? host, Clients.For(publisher));

    /// <summary>A token for <paramref name="clientId"/> (client credentials) from the token server at <paramref name="tokenServer"/>.</summary>
    /// <remarks>Kept for five minutes (tokens live fifteen): a test delivering many events asks once.</remarks>
    public static async Task<string> ClientTokenAsync(Uri tokenServer, string clientId)
    {
        var key = $"{tokenServer.GetLeftPart(UriPartial.Authority)} {clientId}";
        if (ClientTokens.TryGetValue(key, out var cached) && cached.Until > DateTimeOffset.UtcNow)
        {
            return cached.Token;
        }

        var token = await RequestAsync(tokenServer, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = Secrets[clientId],
        });
        ClientTokens[key] = (token, DateTimeOffset.UtcNow.AddMinutes(5));
        return token;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> ClientTokens = new();

    /// <summary>A customer's token (password grant through the storefront client).</summary>
    public static Task<string> CustomerTokenAsync(Uri tokenServer, string email, string password = CustomerPassword) =>
        RequestAsync(tokenServer, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = Clients.Storefront,
            ["username"] = email,
            ["password"] = password,
        });

    /// <summary>A new client of <paramref name="address"/> sending <paramref name="token"/> with every request.</summary>
    public static HttpClient ClientWith(Uri address, string token) => new()
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    private static async Task<string> RequestAsync(Uri tokenServer, Dictionary<string, string> form)
    {
        using var http = new HttpClient { BaseAddress = tokenServer };
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token server refused {form["grant_type"]} ({(int)response.StatusCode}): {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private static Dictionary<string, string?> BuildSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Customer:TokenServer:SigningKeyFile"] = Path.Combine(KeyDirectory, "signing-key.pem"),
            ["Customer:TokenServer:EncryptionKeyFile"] = Path.Combine(KeyDirectory, "encryption-key.pem"),
        };
        foreach (var (clientId, role) in ClientRoles)
        {
            settings[$"Authentication:Clients:{clientId}:Secret"] = Secrets[clientId];
            settings[$"Authentication:Clients:{clientId}:Role"] = role;
        }

        return settings;
    }

    private static string CreateKeyDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("commerce-test-keys-").FullName;
        foreach (var name in new[] { "signing-key.pem", "encryption-key.pem" })
        {
            using var rsa = RSA.Create(2048);
            File.WriteAllText(Path.Combine(directory, name), rsa.ExportPkcs8PrivateKeyPem());
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return directory;
    }
}
