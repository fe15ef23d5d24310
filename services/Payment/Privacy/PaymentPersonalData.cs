using Commerce.Payment.Methods;
using Commerce.Payment.Transactions;

namespace Commerce.Payment.Privacy;

/// <summary>
/// What Payment holds about a customer: their saved cards (the gateway's token, brand, last four digits, expiry) and
/// their payments. Payments hold no name or address: accounting keeps them whole (amounts, captures, refunds) under
/// the customer's id, a pseudonym with nothing behind it once Customer has erased the profile. Payments show the
/// billing name and e-mail from Payment's copy of the customer, which erasure blanks.
/// </summary>
public static class PaymentPersonalData
{
    public static CommerceContextBuilder<PaymentDbContext> HoldsCustomersPersonalData(this CommerceContextBuilder<PaymentDbContext> context) => context
        .HoldsPersonalData("payment-methods",
            async (db, subject, ct) => (await db.PaymentMethods.AsNoTracking().Where(m => m.CustomerId == subject.CustomerId)
                .OrderBy(m => m.CreatedAt).ToListAsync(ct)).Select(PaymentMethodEndpoints.ToResponse).ToList(),
            // Deleted, token and all: a payment made with the card keeps only the method's id, and refunds go through
            // the gateway's reference of the payment, not the card.
            (db, subject, ct) => db.PaymentMethods.Where(m => m.CustomerId == subject.CustomerId).ExecuteDeleteAsync(ct))
        .HoldsPersonalData("payments",
            async (db, subject, ct) => (await db.Payments.AsNoTracking().Where(p => p.CustomerId == subject.CustomerId)
                .OrderBy(p => p.CreatedAt).ToListAsync(ct)).Select(PaymentEndpoints.ToResponse).ToList(),
            (_, _, _) => Task.FromResult(0))
        .HoldsPersonalData("customer-cache",
            async (db, subject, ct) => await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == subject.CustomerId, ct),
            // Blanked, not deleted: the copy keeps its owner version, so an older event delivered late cannot refill it.
            (db, subject, ct) => db.Customers.Where(c => c.CustomerId == subject.CustomerId && (c.Name != "" || c.Email != ""))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "").SetProperty(c => c.Email, ""), ct));
}
