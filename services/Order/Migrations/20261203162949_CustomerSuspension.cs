using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Order.Migrations
{
    /// <inheritdoc />
    public partial class CustomerSuspension : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "suspended",
                schema: "order",
                table: "customer_cache",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "suspended",
                schema: "order",
                table: "customer_cache");
        }
    }
}
