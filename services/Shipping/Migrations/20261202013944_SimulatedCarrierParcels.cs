using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Shipping.Migrations
{
    /// <inheritdoc />
    public partial class SimulatedCarrierParcels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "simulated_carrier_parcels",
                schema: "shipping",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    tracking_number = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    label_created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    next_push_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failed_pushes = table.Column<int>(type: "integer", nullable: false),
                    trace_parent = table.Column<string>(type: "character varying(55)", maxLength: 55, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_simulated_carrier_parcels", x => x.idempotency_key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_simulated_carrier_parcels_next_push_at",
                schema: "shipping",
                table: "simulated_carrier_parcels",
                column: "next_push_at",
                filter: "next_push_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_simulated_carrier_parcels_tracking_number",
                schema: "shipping",
                table: "simulated_carrier_parcels",
                column: "tracking_number",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "simulated_carrier_parcels",
                schema: "shipping");
        }
    }
}
