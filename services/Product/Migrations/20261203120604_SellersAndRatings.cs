using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Product.Migrations
{
    /// <inheritdoc />
    public partial class SellersAndRatings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "seller_id",
                schema: "product",
                table: "products",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "product_ratings",
                schema: "product",
                columns: table => new
                {
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    average = table.Column<decimal>(type: "numeric(3,2)", precision: 3, scale: 2, nullable: false),
                    stars = table.Column<int[]>(type: "integer[]", nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_ratings", x => x.product_id);
                });

            migrationBuilder.CreateTable(
                name: "sellers",
                schema: "product",
                columns: table => new
                {
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sellers", x => x.seller_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_products_seller_id",
                schema: "product",
                table: "products",
                column: "seller_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "product_ratings",
                schema: "product");

            migrationBuilder.DropTable(
                name: "sellers",
                schema: "product");

            migrationBuilder.DropIndex(
                name: "ix_products_seller_id",
                schema: "product",
                table: "products");

            migrationBuilder.DropColumn(
                name: "seller_id",
                schema: "product",
                table: "products");
        }
    }
}
