global using Commerce.Host.Testing;

namespace Commerce.Notification.Tests;

/// <summary>The host serving only Notification on one test class's own database.</summary>
public class NotificationFixture : ContextFixture
{
    protected override string Contexts => "Notification";
}
