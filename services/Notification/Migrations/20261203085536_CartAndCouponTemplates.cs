using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Commerce.Notification.Migrations
{
    /// <inheritdoc />
    public partial class CartAndCouponTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                schema: "notification",
                table: "templates",
                columns: new[] { "key", "body", "subject", "version" },
                values: new object[,]
                {
                    { "cart-abandoned", "Hi {{customerName}}, you left {{itemCount}} item(s) worth {{subtotal}} {{currency}} in your cart.", "Your cart is waiting", 1 },
                    { "coupon-issued", "Hi {{customerName}}, use {{code}} for {{promotionName}} until {{validUntil}}.", "A coupon for you", 1 }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                schema: "notification",
                table: "templates",
                keyColumn: "key",
                keyValue: "cart-abandoned");

            migrationBuilder.DeleteData(
                schema: "notification",
                table: "templates",
                keyColumn: "key",
                keyValue: "coupon-issued");
        }
    }
}
