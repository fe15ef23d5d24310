using System.Security.Cryptography;
using System.Text;
using Commerce.Customer.Contracts;
using Commerce.Payment.Customers;
using Commerce.Payment.Gateway;
using Commerce.Payment.Methods;
using Commerce.Payment.Privacy;
using Commerce.Payment.Transactions;
using Microsoft.Extensions.Configuration;

namespace Commerce.Payment;

public static class PaymentContext
{
    public const string Name = "Payment";

    /// <summary>Base64 of the 32-byte AES key that encrypts gateway tokens at rest.</summary>
    public const string TokenKeySetting = "Payment:TokenEncryptionKey";

    public static IHostApplicationBuilder AddPaymentContext(this IHostApplicationBuilder builder)
    {
        builder.AddCommerceContext<PaymentDbContext>(Name)
            .HandleCustomerEvents()
            .HoldsCustomersPersonalData();
        // A card is saved only for a customer Customer knows.
        builder.AddContextClient<ICustomerApi>("Customer", Name);
        builder.Services.AddSingleton(new TokenProtector(TokenKey(builder)));
        builder.Services.AddSingleton<SimulatedPaymentGateway>();
        builder.Services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SimulatedPaymentGateway>());
        return builder;
    }

    public static IEndpointRouteBuilder MapPaymentContext(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPaymentMethods().MapPayments();

    private static byte[] TokenKey(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration[TokenKeySetting];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Convert.FromBase64String(configured);
        }

        // A fixed key keeps local runs and tests working without setup; anywhere else a missing key is an error.
        if (builder.Environment.IsDevelopment())
        {
            return SHA256.HashData(Encoding.UTF8.GetBytes("commerce-development-only-token-key"));
        }

        throw new InvalidOperationException($"Configure {TokenKeySetting} (base64 of 32 random bytes).");
    }
}
