using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.ShoppingCart.Migrations
{
    /// <inheritdoc />
    public partial class CouponPromotion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "coupon_promotion_id",
                schema: "shoppingcart",
                table: "carts",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "coupon_promotion_id",
                schema: "shoppingcart",
                table: "carts");
        }
    }
}
