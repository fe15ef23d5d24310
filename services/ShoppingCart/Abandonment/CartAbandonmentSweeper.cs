using Commerce.ShoppingCart.Contracts;

namespace Commerce.ShoppingCart.Abandonment;

/// <summary>
/// Abandons and expires idle carts by sweeping the indexed <c>last_activity_at</c> column every
/// <see cref="AbandonmentOptions.Interval"/>, not with a Temporal timer workflow per cart: every cart change would
/// otherwise have to signal (or restart) that cart's workflow — billable actions and a history per cart for what is
/// one indexed range query per interval here — and the state the decision needs (last activity, the abandoned mark)
/// lives in the cart row, so it is durable across restarts and a missed interval is caught up by the next.
/// Each cart is marked or deleted in its own transaction with its event, guarded by the cart's version: two sweepers
/// (two hosts) or a customer's concurrent change make the save fail for all but one, so nothing is published twice.
/// </summary>
public sealed class CartAbandonmentSweeper(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<AbandonmentOptions> options, ILogger<CartAbandonmentSweeper> logger)
    : BackgroundService
{
    private const int Batch = 100;

    /// <summary>One pass: expires carts idle for ExpireAfter, then abandons carts with items idle for AbandonAfter.</summary>
    public async Task<(int Abandoned, int Expired)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expireBefore = now - options.Value.ExpireAfter;
        var abandonBefore = now - options.Value.AbandonAfter;
        var expired = await EachAsync(
            db => db.Carts.Where(c => c.LastActivityAt <= expireBefore),
            (db, cart) =>
            {
                db.Carts.Remove(cart);
                return new CartExpired(cart.Id, cart.CustomerId);
            },
            now,
            cancellationToken);
        var abandoned = await EachAsync(
            db => db.Carts.Where(c => c.AbandonedAt == null && c.LastActivityAt <= abandonBefore && c.Lines.Any()),
            (db, cart) =>
            {
                cart.AbandonedAt = now;
                var currency = cart.Lines.Select(l => l.Currency).First();
                return new CartAbandoned(
                    cart.Id,
                    cart.CustomerId,
                    cart.Lines.Sum(l => l.Quantity),
                    cart.Lines.Where(l => l.Currency == currency).Sum(l => l.PriceWhenAdded * l.Quantity),
                    currency,
                    cart.LastActivityAt);
            },
            now,
            cancellationToken);
        return (abandoned, expired);
    }

    /// <summary>Applies <paramref name="change"/> to every cart <paramref name="due"/> selects, each in its own guarded save.</summary>
    private async Task<int> EachAsync<TEvent>(
        Func<ShoppingCartDbContext, IQueryable<Cart>> due,
        Func<ShoppingCartDbContext, Cart, TEvent> change,
        DateTimeOffset now,
        CancellationToken cancellationToken)
        where TEvent : notnull
    {
        var done = 0;
        var skipped = new HashSet<Guid>();
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ShoppingCartDbContext>();
            var ids = await due(db).AsNoTracking().Where(c => !skipped.Contains(c.Id))
                .OrderBy(c => c.LastActivityAt).Select(c => c.Id).Take(Batch).ToListAsync(cancellationToken);
            foreach (var id in ids)
            {
                // Re-read with the same condition: a change or another sweeper since the listing leaves it out.
                var cart = await due(db).Include(c => c.Lines).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
                if (cart is null)
                {
                    skipped.Add(id);
                    continue;
                }

                var @event = change(db, cart);
                cart.Version++;
                db.AddEvent(@event, cart.Id.ToString(), cart.Version, now);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    done++;
                }
                catch (DbUpdateConcurrencyException)
                {
                    skipped.Add(id); // changed or swept concurrently: the next pass looks again
                }

                db.ChangeTracker.Clear();
            }

            if (ids.Count < Batch)
            {
                return done;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var (abandoned, expired) = await SweepAsync(stoppingToken);
                if (abandoned + expired > 0)
                {
                    logger.LogInformation("Abandoned {Abandoned} and expired {Expired} cart(s)", abandoned, expired);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Cart abandonment sweep failed; retrying next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
