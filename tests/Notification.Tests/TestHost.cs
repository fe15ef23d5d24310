global using Commerce.Host.Testing;

namespace Commerce.Notification.Tests;

/// <summary>The host serving only Notification on one test class's own database.</summary>
public class NotificationFixture : ContextFixture
{
    protected override string Contexts => "Notification";

    // Notification asks Customer (at this host's own address unless configured) for customers it has not cached.
}
