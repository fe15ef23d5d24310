using Refit;

namespace Commerce.Host.Testing;

/// <summary>
/// Customer, Product and Inventory on a database of their own, with no subscriber of theirs hosted: tests change
/// owner state through the real APIs, then read the events the owners wrote and deliver them as they choose.
/// </summary>
public sealed class OwnersFixture : ContextFixture
{
    private static readonly RefitSettings Json = new() { ContentSerializer = new SystemTextJsonContentSerializer(ServiceDefaults.CommerceJson.Options) };

    protected override string Contexts => "Customer,Product,Inventory";

    public T Api<T>() => RestService.For<T>(Client, Json);
}
