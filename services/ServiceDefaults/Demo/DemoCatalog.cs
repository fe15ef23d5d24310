namespace Commerce.ServiceDefaults.Demo;

/// <summary>
/// The demo data set `seed-demo` loads, shared so the contexts' seeders agree on keys (Product creates these
/// products, Inventory stocks these SKUs, Customer registers these customers). Reference values only.
/// </summary>
public static class DemoCatalog
{
    public static IReadOnlyList<string> Warehouses { get; } = ["WH-EAST", "WH-WEST"];

    public static IReadOnlyList<DemoProduct> Products { get; } =
    [
        new(new Guid("0f000000-0000-0000-0000-000000000001"), "DEMO-KEYBOARD", "Mechanical keyboard", "Peripherals", 89.00m, "USD", 40, 25),
        new(new Guid("0f000000-0000-0000-0000-000000000002"), "DEMO-MOUSE", "Wireless mouse", "Peripherals", 29.50m, "USD", 120, 60),
        new(new Guid("0f000000-0000-0000-0000-000000000003"), "DEMO-MONITOR", "27\" 4K monitor", "Displays", 349.00m, "USD", 12, 8),
        new(new Guid("0f000000-0000-0000-0000-000000000004"), "DEMO-HEADSET", "Noise-cancelling headset", "Audio", 149.99m, "USD", 30, 0),
        new(new Guid("0f000000-0000-0000-0000-000000000005"), "DEMO-WEBCAM", "1080p webcam", "Video", 59.00m, "USD", 0, 15),
        new(new Guid("0f000000-0000-0000-0000-000000000006"), "DEMO-DOCK", "USB-C dock", "Accessories", 119.00m, "USD", 5, 5),
    ];

    public static IReadOnlyList<DemoCustomer> Customers { get; } =
    [
        new(new Guid("0c000000-0000-0000-0000-000000000001"), "Ada Lovelace", "ada@example.com"),
        new(new Guid("0c000000-0000-0000-0000-000000000002"), "Alan Turing", "alan@example.com"),
        new(new Guid("0c000000-0000-0000-0000-000000000003"), "Grace Hopper", "grace@example.com"),
    ];

    /// <summary>Seller registers these (each managed by a demo customer's account); Product's demo products belong to them.</summary>
    public static IReadOnlyList<DemoSeller> Sellers { get; } =
    [
        new(new Guid("5e11e500-0000-0000-0000-000000000001"), Customers[0].Id, "Lovelace Peripherals", "sales@lovelace.example.com"),
        new(new Guid("5e11e500-0000-0000-0000-000000000002"), Customers[1].Id, "Turing Displays & Audio", "shop@turing.example.com"),
    ];
}

/// <param name="StockEast">Units on hand in WH-EAST.</param>
/// <param name="StockWest">Units on hand in WH-WEST.</param>
public sealed record DemoProduct(Guid Id, string Sku, string Name, string Category, decimal Price, string Currency, int StockEast, int StockWest);

public sealed record DemoCustomer(Guid Id, string Name, string Email);

/// <param name="AccountId">The demo customer whose account manages the seller.</param>
public sealed record DemoSeller(Guid Id, Guid AccountId, string DisplayName, string ContactEmail);
