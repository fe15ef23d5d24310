using Commerce.ServiceDefaults.Audit;

namespace Commerce.ServiceDefaults.Messaging;

public static class MessagingModel
{
    /// <summary>
    /// Adds the outbox and inbox tables, and the audit trail's (<see cref="AuditModel.AddAuditTrail"/>), to a
    /// context's model (in its default schema). Call from OnModelCreating; the context's migrations then create them
    /// like any of its own tables.
    /// </summary>
    public static ModelBuilder AddCommerceMessaging(this ModelBuilder modelBuilder)
    {
        modelBuilder.AddAuditTrail();

        modelBuilder.Entity<OutboxMessage>(b =>
        {
            b.ToTable("outbox_messages");
            b.HasKey(m => m.Id);
            b.Property(m => m.Id).HasColumnName("id");
            b.Property(m => m.Type).HasColumnName("type").HasMaxLength(200);
            b.Property(m => m.AggregateId).HasColumnName("aggregate_id").HasMaxLength(200);
            b.Property(m => m.AggregateVersion).HasColumnName("aggregate_version");
            b.Property(m => m.OccurredAt).HasColumnName("occurred_at");
            b.Property(m => m.Payload).HasColumnName("payload").HasColumnType("jsonb");
            b.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(55);
            b.Property(m => m.FannedOut).HasColumnName("fanned_out");
            b.HasIndex(m => m.OccurredAt, "ix_outbox_messages_not_fanned_out").HasFilter("fanned_out = false");
            // The retention sweeper's scan: fanned-out events, oldest first.
            b.HasIndex(m => m.OccurredAt, "ix_outbox_messages_fanned_out").HasFilter("fanned_out = true");
        });

        modelBuilder.Entity<OutboxDelivery>(b =>
        {
            b.ToTable("outbox_deliveries");
            b.HasKey(d => d.Id);
            b.Property(d => d.Id).HasColumnName("id");
            b.Property(d => d.MessageId).HasColumnName("message_id");
            b.Property(d => d.Subscriber).HasColumnName("subscriber").HasMaxLength(100);
            b.Property(d => d.Status).HasColumnName("status");
            b.Property(d => d.Attempts).HasColumnName("attempts");
            b.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
            b.Property(d => d.LastError).HasColumnName("last_error").HasMaxLength(2000);
            b.Property(d => d.DeliveredAt).HasColumnName("delivered_at");
            b.HasOne<OutboxMessage>().WithMany().HasForeignKey(d => d.MessageId).HasConstraintName("fk_outbox_deliveries_message");
            b.HasIndex(d => new { d.MessageId, d.Subscriber }).IsUnique().HasDatabaseName("ux_outbox_deliveries_message_subscriber");
            b.HasIndex(d => d.NextAttemptAt).HasDatabaseName("ix_outbox_deliveries_due").HasFilter("status = 0");
        });

        modelBuilder.Entity<InboxEvent>(b =>
        {
            b.ToTable("inbox_events");
            b.HasKey(e => e.EventId);
            b.Property(e => e.EventId).HasColumnName("event_id");
            b.Property(e => e.Source).HasColumnName("source").HasMaxLength(100);
            b.Property(e => e.Type).HasColumnName("type").HasMaxLength(200);
            b.Property(e => e.Outcome).HasColumnName("outcome").HasMaxLength(20);
            b.Property(e => e.ProcessedAt).HasColumnName("processed_at");
            b.HasIndex(e => e.ProcessedAt).HasDatabaseName("ix_inbox_events_processed_at");
        });

        modelBuilder.Entity<InboxAggregateVersion>(b =>
        {
            b.ToTable("inbox_aggregate_versions");
            b.HasKey(v => new { v.Source, v.AggregateId });
            b.Property(v => v.Source).HasColumnName("source").HasMaxLength(100);
            b.Property(v => v.AggregateId).HasColumnName("aggregate_id").HasMaxLength(200);
            b.Property(v => v.Version).HasColumnName("version");
        });

        return modelBuilder;
    }
}
