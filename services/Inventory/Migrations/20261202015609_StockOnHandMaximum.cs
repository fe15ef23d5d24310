using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Inventory.Migrations
{
    /// <inheritdoc />
    public partial class StockOnHandMaximum : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddCheckConstraint(
                name: "ck_stock_items_on_hand_max",
                schema: "inventory",
                table: "stock_items",
                sql: "on_hand <= 1000000000");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_stock_items_on_hand_max",
                schema: "inventory",
                table: "stock_items");
        }
    }
}
