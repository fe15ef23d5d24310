using Commerce.Notification.Contracts;

namespace Commerce.Notification.Templates;

/// <summary>The templates the event handlers use, seeded by the initial migration and editable through the API.</summary>
public static class DefaultTemplates
{
    public static MessageTemplate[] All { get; } =
    [
        new() { Key = TemplateKeys.OrderConfirmed, Subject = "Order {{orderId}} confirmed", Body = "Hi {{customerName}}, your order {{orderId}} is confirmed." },
        new() { Key = TemplateKeys.OrderShipped, Subject = "Order {{orderId}} shipped", Body = "Hi {{customerName}}, your order {{orderId}} is on its way." },
        new() { Key = TemplateKeys.OrderDelivered, Subject = "Order {{orderId}} delivered", Body = "Hi {{customerName}}, your order {{orderId}} has been delivered." },
        new() { Key = TemplateKeys.OrderCancelled, Subject = "Order {{orderId}} cancelled", Body = "Hi {{customerName}}, your order {{orderId}} was cancelled: {{reason}}." },
        new() { Key = TemplateKeys.CartAbandoned, Subject = "Your cart is waiting", Body = "Hi {{customerName}}, you left {{itemCount}} item(s) worth {{subtotal}} {{currency}} in your cart." },
        new() { Key = TemplateKeys.CouponIssued, Subject = "A coupon for you", Body = "Hi {{customerName}}, use {{code}} for {{promotionName}} until {{validUntil}}." },
        new() { Key = TemplateKeys.PaymentFailed, Subject = "Payment for order {{orderId}} failed", Body = "Hi {{customerName}}, we could not charge {{amount}} {{currency}} for order {{orderId}} ({{failureCode}})." },
        new() { Key = TemplateKeys.SellerLowStock, Subject = "Low stock: {{productName}} ({{sku}})", Body = "Hi {{sellerName}}, {{productName}} ({{sku}}) is down to {{available}} in {{warehouse}} (reorder point {{reorderPoint}})." },
        new() { Key = TemplateKeys.ShipmentTracking, Subject = "Order {{orderId}}: parcel {{status}}", Body = "Hi {{customerName}}, your parcel {{trackingNumber}} for order {{orderId}} is {{status}} (last seen: {{location}})." },
        new() { Key = TemplateKeys.PaymentRefunded, Subject = "Refund for order {{orderId}}", Body = "Hi {{customerName}}, we refunded {{amount}} {{currency}} for order {{orderId}}; it is on its way to your card." },
        new() { Key = TemplateKeys.ReviewRejected, Subject = "Your review of {{productName}}", Body = "Hi {{customerName}}, your review of {{productName}} was not published: {{reason}}." },
    ];
}
