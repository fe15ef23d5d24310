namespace Commerce.ServiceDefaults.Audit;

/// <summary>
/// One audited request to a context (see <see cref="AuditTrail"/>): a write, or an operator's read of personal data.
/// Append-only: the database refuses UPDATE, and DELETE of rows younger than <see cref="AuditTrail.MinimumRetention"/>
/// (see <see cref="AuditMigrations"/>); the retention sweeper removes the old ones.
/// </summary>
public sealed class AuditRecord
{
    public long Id { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>The token's subject (a customer's id, or a client's for a client's token); null when anonymous.</summary>
    public string? Subject { get; init; }

    /// <summary>The client the token was issued to (the storefront, the operators' CLI, a service).</summary>
    public string? ClientId { get; init; }

    /// <summary>The route's name, else its method and pattern (<c>POST /orders/{id:guid}/submit</c>).</summary>
    public required string Action { get; init; }

    public required string Method { get; init; }

    /// <summary>
    /// What the request was about, as a JSON object of strings: its route values and query parameters, and the
    /// <c>location</c> of what a 201 created. Never the body: the audit trail copies no personal data of its own.
    /// </summary>
    public required string Resource { get; init; }

    /// <summary>The HTTP status the request was answered with.</summary>
    public required int Outcome { get; init; }

    /// <summary>The W3C trace id of the request: its trace shows what the request did, across contexts and the saga.</summary>
    public string? TraceId { get; init; }
}

public static class AuditModel
{
    /// <summary>
    /// Adds <c>audit_records</c> to a context's model (in its default schema); <see cref="MessagingModel.AddCommerceMessaging"/>
    /// calls it, so every context has one.
    /// </summary>
    public static ModelBuilder AddAuditTrail(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<AuditRecord>(b =>
        {
            b.ToTable("audit_records");
            b.HasKey(r => r.Id);
            b.Property(r => r.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            b.Property(r => r.RecordedAt).HasColumnName("recorded_at");
            b.Property(r => r.Subject).HasColumnName("subject").HasMaxLength(AuditTrail.MaxText);
            b.Property(r => r.ClientId).HasColumnName("client_id").HasMaxLength(AuditTrail.MaxText);
            b.Property(r => r.Action).HasColumnName("action").HasMaxLength(AuditTrail.MaxText);
            b.Property(r => r.Method).HasColumnName("method").HasMaxLength(10);
            b.Property(r => r.Resource).HasColumnName("resource").HasColumnType("jsonb");
            b.Property(r => r.Outcome).HasColumnName("outcome");
            b.Property(r => r.TraceId).HasColumnName("trace_id").HasMaxLength(32);
            // The retention sweeper's scan, oldest first.
            b.HasIndex(r => r.RecordedAt).HasDatabaseName("ix_audit_records_recorded_at");
        });
        return modelBuilder;
    }
}
