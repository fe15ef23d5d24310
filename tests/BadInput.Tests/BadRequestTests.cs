using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Cli;
using Commerce.Host;
using Commerce.Host.Testing;

namespace Commerce.BadInput.Tests;

/// <summary>
/// Malformed and hostile requests against every public API and the CLI. Each must be refused with a 4xx problem
/// details (the CLI: a one-line error and a non-zero exit code) and must leave every table's row count as it was.
/// One row per case; {placeholders} name the fixture's data (see <see cref="BadInputSystem"/>), {long:N} is N
/// characters, {oversized} is a body over the 256 KiB limit. Each case also holds the OpenAPI documents to the
/// problem statuses the host was seen answering.
/// </summary>
public sealed partial class BadRequestTests(BadInputSystem system) : IClassFixture<BadInputSystem>
{
    private const string Json = "application/json";
    private const string Pan = "4111 1111 1111 1111";
    private const string ShipTo = """{"recipient":"Ada","line1":"1 Main St","city":"London","postalCode":"N1","country":"GB"}""";

    private static readonly HttpCase[] HttpCases =
    [
        // Customer
        new("customer register: missing email", "POST", "/customers", """{"name":"Ada"}"""),
        new("customer register: extra field", "POST", "/customers", """{"name":"Ada","email":"ada2@example.com","isAdmin":true}"""),
        new("customer register: name of wrong type", "POST", "/customers", """{"name":42,"email":"ada2@example.com"}"""),
        new("customer register: over-long name", "POST", "/customers", """{"name":"{long:201}","email":"ada2@example.com"}"""),
        new("customer register: card number in name", "POST", "/customers", $$"""{"name":"Ada {{Pan}}","email":"ada2@example.com"}"""),
        new("customer register: script in email", "POST", "/customers", """{"name":"Ada","email":"<script>alert(1)</script>@example.com"}"""),
        new("customer register: CRLF header injection in email", "POST", "/customers", """{"name":"Ada","email":"ada2@example.com\r\nBcc: all@example.com"}"""),
        new("customer register: NUL byte in name", "POST", "/customers", """{"name":"Ada\u0000Lovelace","email":"ada2@example.com"}"""),
        new("customer register: lone surrogate in name", "POST", "/customers", """{"name":"Ada \uD800","email":"ada2@example.com"}"""),
        new("customer register: card number in address line", "POST", "/customers",
            $$"""{"name":"Ada","email":"ada2@example.com","addresses":[{"kind":"Billing","recipient":"Ada","line1":"{{Pan}}","city":"London","postalCode":"N1","country":"GB"}]}"""),
        new("customer register: e-mail already taken", "POST", "/customers", """{"name":"Ada","email":"{customerEmail}","password":"long enough password"}""", "409"),
        new("customer register: malformed JSON", "POST", "/customers", """{"name":"Ada","""),
        new("customer register: text/plain body", "POST", "/customers", """{"name":"Ada","email":"ada2@example.com"}""", "415", ContentType: "text/plain"),
        new("customer register: oversized body", "POST", "/customers", """{"name":"{oversized}","email":"ada2@example.com"}""", "413"),
        new("customer get: unknown id", "GET", "/customers/{unknown}", null, "404"),
        new("customer get: malformed id", "GET", "/customers/not-a-guid", null, "404"),
        new("customer update: stale If-Match", "PUT", "/customers/{customer}",
            """{"name":"Ada","email":"{customerEmail}","preferences":{"language":"en","currency":"USD","notificationChannels":[]}}""", "409",
            Headers: "If-Match: \"999\""),
        new("customer update: If-Match not an entity tag", "PUT", "/customers/{customer}",
            """{"name":"Ada","email":"{customerEmail}","preferences":{"language":"en","currency":"USD","notificationChannels":[]}}""",
            Headers: "If-Match: 1"),
        new("customer membership: downgrade", "POST", "/customers/{customer}/membership", """{"level":"Standard"}""", "422"),
        new("customer membership: unknown level", "POST", "/customers/{customer}/membership", """{"level":"Diamond"}"""),
        new("customer suspend: card number in reason", "POST", "/customers/{customer}/suspend", $$"""{"reason":"paid with {{Pan}}"}"""),
        new("customer address: SQL injection in country", "POST", "/customers/{customer}/addresses",
            """{"kind":"Billing","recipient":"Ada","line1":"1 Main St","city":"London","postalCode":"N1","country":"GB'; DROP TABLE customer.customers;--"}"""),
        new("customer delete: unknown id", "DELETE", "/customers/{unknown}", null, "404"),

        // Product
        new("product create: negative price", "POST", "/products", """{"sku":"NEW-1","name":"Gear","category":"parts","price":-1,"currency":"EUR"}"""),
        new("product create: zero price", "POST", "/products", """{"sku":"NEW-1","name":"Gear","category":"parts","price":0,"currency":"EUR"}"""),
        new("product create: huge price", "POST", "/products", """{"sku":"NEW-1","name":"Gear","category":"parts","price":1e20,"currency":"EUR"}"""),
        new("product create: price of wrong type", "POST", "/products", """{"sku":"NEW-1","name":"Gear","category":"parts","price":true,"currency":"EUR"}"""),
        new("product create: card number in description", "POST", "/products",
            $$"""{"sku":"NEW-1","name":"Gear","category":"parts","price":1,"currency":"EUR","description":"card {{Pan}} exp 12/30"}"""),
        new("product create: over-long description", "POST", "/products",
            """{"sku":"NEW-1","name":"Gear","category":"parts","price":1,"currency":"EUR","description":"{long:4001}"}"""),
        new("product create: script image URL", "POST", "/products",
            """{"sku":"NEW-1","name":"Gear","category":"parts","price":1,"currency":"EUR","imageUrls":["javascript:alert(1)"]}"""),
        new("product create: SQL injection in currency", "POST", "/products", """{"sku":"NEW-1","name":"Gear","category":"parts","price":1,"currency":"EUR'--"}"""),
        new("product create: missing SKU", "POST", "/products", """{"name":"Gear","category":"parts","price":1,"currency":"EUR"}"""),
        new("product create: duplicate SKU", "POST", "/products", """{"sku":"{sku}","name":"Gear","category":"parts","price":1,"currency":"EUR"}""", "409"),
        new("product create: duplicate JSON property", "POST", "/products",
            """{"sku":"NEW-1","name":"Gear","category":"parts","price":-5,"price":1,"currency":"EUR"}"""),
        new("product update: discontinued product", "PUT", "/products/{discontinuedProduct}", """{"name":"Gear","category":"parts"}""", "409"),
        new("product price: unknown id", "PUT", "/products/{unknown}/price", """{"price":1,"currency":"EUR"}""", "404"),
        new("product discontinue: If-Match with a stray quote", "POST", "/products/{product}/discontinue", null, Headers: "If-Match: \"1"),
        new("product search: page overflow", "GET", "/products?page=2147483647&pageSize=100"),
        new("product search: price not a number", "GET", "/products?minPrice=abc"),
        new("product search: SQL injection in status", "GET", "/products?status=Active'%20OR%20'1'='1"),
        new("product create: unknown seller", "POST", "/products",
            """{"sku":"NEW-1","name":"Gear","category":"parts","price":1,"currency":"EUR","sellerId":"{unknown}"}""", "422"),
        new("product create: seller id of wrong type", "POST", "/products",
            """{"sku":"NEW-1","name":"Gear","category":"parts","price":1,"currency":"EUR","sellerId":"1 OR 1=1"}"""),
        new("product search: seller id not a guid", "GET", "/products?sellerId=x'%20OR%20'1'='1"),
        new("product search: NUL in text", "GET", "/products?text=a%00b"),

        // Inventory
        new("inventory receive: negative quantity", "POST", "/inventory/stock/{sku}/receipts", """{"warehouse":"WH-1","quantity":-5}"""),
        new("inventory receive: zero quantity", "POST", "/inventory/stock/{sku}/receipts", """{"warehouse":"WH-1","quantity":0}"""),
        new("inventory receive: quantity beyond int", "POST", "/inventory/stock/{sku}/receipts", """{"warehouse":"WH-1","quantity":2147483648}"""),
        new("inventory receive: SQL injection in SKU", "POST", "/inventory/stock/x'%3B%20DROP%20TABLE%20inventory.stock_items%3B--/receipts",
            """{"warehouse":"WH-1","quantity":1}"""),
        new("inventory receive: path traversal in SKU", "POST", "/inventory/stock/..%2F..%2Fetc%2Fpasswd/receipts", """{"warehouse":"WH-1","quantity":1}""", "400|404"),
        new("inventory receive: card number in reference", "POST", "/inventory/stock/{sku}/receipts", $$"""{"warehouse":"WH-1","quantity":1,"reference":"{{Pan}}"}"""),
        new("inventory receive: NUL in reference", "POST", "/inventory/stock/{sku}/receipts", """{"warehouse":"WH-1","quantity":1,"reference":"PO\u00001"}"""),
        new("inventory adjust: unknown warehouse", "POST", "/inventory/stock/{sku}/adjustments", """{"warehouse":"WH-9","delta":-1,"reason":"count"}""", "404"),
        new("inventory adjust: below zero", "POST", "/inventory/stock/{sku}/adjustments", """{"warehouse":"WH-1","delta":-1000,"reason":"count"}""", "422"),
        new("inventory adjust: card number in reason", "POST", "/inventory/stock/{sku}/adjustments", $$"""{"warehouse":"WH-1","delta":1,"reason":"{{Pan}}"}"""),
        new("inventory adjust: If-Match star in a list", "POST", "/inventory/stock/{sku}/adjustments", """{"warehouse":"WH-1","delta":1,"reason":"count"}""",
            Headers: "If-Match: *, \"1\""),
        new("inventory reorder point: negative", "PUT", "/inventory/stock/{sku}/reorder-point", """{"warehouse":"WH-1","reorderPoint":-1}"""),
        new("inventory reserve: CRLF in key", "POST", "/inventory/reservations", """{"key":"k\r\nSet-Cookie: a=b","lines":[{"sku":"{sku}","quantity":1}]}"""),
        new("inventory reserve: more than in stock", "POST", "/inventory/reservations", """{"key":"greedy","lines":[{"sku":"{sku}","quantity":1000}]}""", "422"),
        new("inventory reserve: no lines", "POST", "/inventory/reservations", """{"key":"empty","lines":[]}"""),
        new("promotion create: card number in name", "POST", "/promotions",
            $$"""{"name":"{{Pan}}","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2100-01-01T00:00:00Z","requiresCoupon":true}"""),
        new("promotion create: percent over 100", "POST", "/promotions",
            """{"name":"Sale","terms":{"kind":"Percentage","value":101,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2100-01-01T00:00:00Z","requiresCoupon":true}"""),
        new("promotion create: ends before it starts", "POST", "/promotions",
            """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order"},"startsAt":"2100-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","requiresCoupon":true}"""),
        new("promotion coupon: SQL injection as code", "POST", "/promotions/{unknown}/coupons", """{"code":"'; DROP TABLE promotion.coupons;--"}"""),
        new("promotion coupon: card number as code", "POST", "/promotions/{unknown}/coupons", """{"code":"4111111111111111"}"""),
        new("promotion coupon: unknown promotion", "POST", "/promotions/{unknown}/coupons", """{"code":"NO-PROMO-1"}""", "404"),
        new("promotion coupon read: SQL injection in code", "GET", "/promotions/coupons/x'%3B%20DROP%20TABLE%20promotion.coupons%3B--"),
        new("promotion validate: unknown code", "POST", "/promotions/coupons/validate",
            """{"code":"NO-SUCH-CODE","customerId":"{unknown}","currency":"USD","lines":[]}""", "422"),
        new("promotion claim: negative discount", "POST", "/promotions/redemptions",
            """{"key":"k-1","code":"NO-SUCH-CODE","customerId":"{unknown}","orderId":"{unknown}","discount":-1,"currency":"USD"}"""),
        new("promotion release: unknown key", "POST", "/promotions/redemptions/never-claimed/release", null, "404"),
        new("seller register: operator has no account to register", "POST", "/sellers", """{"displayName":"Ops shop","contactEmail":"ops@example.com"}""", "403"),
        new("seller register: card number in name", "POST", "/sellers", $$"""{"displayName":"Shop {{Pan}}","contactEmail":"shop@example.com"}"""),
        new("seller register: CRLF header injection in e-mail", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"a@example.com\r\nBcc: all@example.com"}"""),
        new("seller register: letters in phone", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"a@example.com","contactPhone":"call me"}"""),
        new("seller register: over-long description", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"a@example.com","description":"{long:2001}"}"""),
        new("seller update: SQL injection as e-mail", "PUT", "/sellers/{unknown}", """{"displayName":"Shop","contactEmail":"'; DROP TABLE seller.sellers;--"}"""),
        new("seller update: unknown seller", "PUT", "/sellers/{unknown}", """{"displayName":"Shop","contactEmail":"a@example.com"}""", "404"),
        new("seller suspend: card number in reason", "POST", "/sellers/{unknown}/suspend", $$"""{"reason":"refund to {{Pan}}"}"""),
        new("seller suspend: unknown seller", "POST", "/sellers/{unknown}/suspend", """{"reason":"checks"}""", "404"),
        new("seller reinstate: unknown seller", "POST", "/sellers/{unknown}/reinstate", null, "404"),
        new("seller list: huge page size", "GET", "/sellers?pageSize=100000"),
        new("seller list: SQL injection in status", "GET", "/sellers?status=Active'--"),
        new("seller storefront: unknown seller", "GET", "/sellers/{unknown}/storefront", null, "404"),
        new("seller low stock: unknown seller", "GET", "/sellers/{unknown}/low-stock", null, "404"),
        new("seller me: operator is no seller", "GET", "/sellers/me", null, "404"),
        new("review submit: rating six", "POST", "/reviews", """{"orderId":"{deliveredOrder}","productId":"{product}","rating":6,"title":"T","text":"X"}"""),
        new("review submit: rating zero", "POST", "/reviews", """{"orderId":"{deliveredOrder}","productId":"{product}","rating":0,"title":"T","text":"X"}"""),
        new("review submit: card number in text", "POST", "/reviews",
            $$"""{"orderId":"{deliveredOrder}","productId":"{product}","rating":5,"title":"T","text":"paid with {{Pan}}"}"""),
        new("review submit: over-long title", "POST", "/reviews", """{"orderId":"{deliveredOrder}","productId":"{product}","rating":5,"title":"{long:121}","text":"X"}"""),
        new("review submit: SQL injection as order id", "POST", "/reviews", """{"orderId":"' OR 1=1;--","productId":"{product}","rating":5,"title":"T","text":"X"}"""),
        new("review submit: script as image URL", "POST", "/reviews",
            """{"orderId":"{deliveredOrder}","productId":"{product}","rating":5,"title":"T","text":"X","imageUrls":["javascript:alert(1)"]}"""),
        new("review submit: operator writes no review", "POST", "/reviews", """{"orderId":"{deliveredOrder}","productId":"{product}","rating":5,"title":"T","text":"X"}""", "403"),
        new("review get: unknown id", "GET", "/reviews/{unknown}", null, "404"),
        new("review approve: unknown id", "POST", "/reviews/{unknown}/approve", null, "404"),
        new("review approve: If-Match not an entity tag", "POST", "/reviews/{unknown}/approve", null, Headers: "If-Match: 1"),
        new("review reject: card number in reason", "POST", "/reviews/{unknown}/reject", $$"""{"reason":"refund to {{Pan}}"}"""),
        new("review reject: empty reason", "POST", "/reviews/{unknown}/reject", """{"reason":""}"""),
        new("review reply: over-long text", "POST", "/reviews/{unknown}/replies", """{"text":"{long:2001}"}"""),
        new("review reply: unknown review", "POST", "/reviews/{unknown}/replies", """{"text":"Thanks"}""", "404"),
        new("review product list: huge page size", "GET", "/reviews/products/{product}?pageSize=100000"),
        new("review pending: page zero", "GET", "/reviews/pending?page=0"),
        new("shoppingcart item: quantity zero", "PUT", "/carts/{customer}/items/{product}", """{"quantity":0}"""),
        new("shoppingcart item: quantity over the limit", "PUT", "/carts/{customer}/items/{product}", """{"quantity":1000}"""),
        new("shoppingcart item: quantity past int", "PUT", "/carts/{customer}/items/{product}", """{"quantity":2147483648}"""),
        new("shoppingcart item: extra field", "PUT", "/carts/{customer}/items/{product}", """{"quantity":1,"price":0.01}"""),
        new("shoppingcart item: unknown product", "PUT", "/carts/{customer}/items/{unknown}", """{"quantity":1}""", "422"),
        new("shoppingcart item: discontinued product", "PUT", "/carts/{customer}/items/{discontinuedProduct}", """{"quantity":1}""", "422"),
        new("shoppingcart item: If-Match on a cart not made yet", "PUT", "/carts/{otherCustomer}/items/{product}", """{"quantity":1}""", "409",
            Headers: "If-Match: \"999\""),
        new("shoppingcart item: If-Match not an entity tag", "PUT", "/carts/{customer}/items/{product}", """{"quantity":1}""", Headers: "If-Match: 1"),
        new("shoppingcart coupon: SQL injection as code", "PUT", "/carts/{customer}/coupon", """{"code":"'; DROP TABLE shoppingcart.carts;--"}"""),
        new("shoppingcart coupon: card number as code", "PUT", "/carts/{customer}/coupon", """{"code":"4111111111111111"}"""),
        new("shoppingcart coupon: empty cart", "PUT", "/carts/{customer}/coupon", """{"code":"SAVE10"}""", "422"),
        new("shoppingcart checkout: no Idempotency-Key", "POST", "/carts/{customer}/checkout", """{"paymentMethodId":"{method}"}"""),
        new("shoppingcart checkout: over-long Idempotency-Key", "POST", "/carts/{customer}/checkout", """{"paymentMethodId":"{method}"}""",
            Headers: "Idempotency-Key: {long:101}"),
        new("shoppingcart checkout: empty cart", "POST", "/carts/{customer}/checkout", """{"paymentMethodId":"{method}"}""", "409",
            Headers: "Idempotency-Key: empty-cart"),
        new("inventory reserve: same SKU twice", "POST", "/inventory/reservations", """{"key":"twice","lines":[{"sku":"{sku}","quantity":1},{"sku":"{sku}","quantity":1}]}"""),
        new("inventory reserve: used key, other lines", "POST", "/inventory/reservations", """{"key":"{reservationKey}","lines":[{"sku":"{sku}","quantity":7}]}""", "409"),
        new("inventory release: unknown key", "POST", "/inventory/reservations/no-such-key/release", null, "404"),
        new("inventory release: fulfilled reservation", "POST", "/inventory/reservations/{reservationKey}/release", null, "409"),
        new("inventory commit: unknown key", "POST", "/inventory/reservations/no-such-key/commit", null, "404"),
        new("inventory commit: fulfilled reservation", "POST", "/inventory/reservations/{reservationKey}/commit", null, "409"),
        new("inventory stock: script as SKU", "GET", "/inventory/stock/%3Cscript%3Ealert(1)%3C%2Fscript%3E", null, "400|404"),

        // Order
        new("order create: unknown customer", "POST", "/orders", """{"customerId":"{unknown}","items":[{"productId":"{product}","quantity":1}]}""", "422"),
        new("order create: unknown product", "POST", "/orders", """{"customerId":"{customer}","items":[{"productId":"{unknown}","quantity":1}]}""", "422"),
        new("order create: discontinued product", "POST", "/orders", """{"customerId":"{customer}","items":[{"productId":"{discontinuedProduct}","quantity":1}]}""", "422"),
        new("order create: zero quantity", "POST", "/orders", """{"customerId":"{customer}","items":[{"productId":"{product}","quantity":0}]}"""),
        new("order create: negative quantity", "POST", "/orders", """{"customerId":"{customer}","items":[{"productId":"{product}","quantity":-3}]}"""),
        new("order create: huge quantity", "POST", "/orders", """{"customerId":"{customer}","items":[{"productId":"{product}","quantity":1000000}]}"""),
        new("order create: fractional quantity", "POST", "/orders", """{"customerId":"{customer}","items":[{"productId":"{product}","quantity":1.5}]}"""),
        new("order create: client-set unit price", "POST", "/orders",
            """{"customerId":"{customer}","items":[{"productId":"{product}","quantity":1,"unitPrice":0.01}]}"""),
        new("order create: null items", "POST", "/orders", """{"customerId":"{customer}","items":null}"""),
        new("order create: malformed customer id", "POST", "/orders", """{"customerId":"../../etc/passwd","items":[{"productId":"{product}","quantity":1}]}"""),
        new("order create: over-long Idempotency-Key", "POST", "/orders", """{"customerId":"{customer}","items":[{"productId":"{product}","quantity":1}]}""",
            Headers: "Idempotency-Key: {long:101}"),
        new("order create: JSON array body", "POST", "/orders", """[{"customerId":"{customer}"}]"""),
        new("order create: deeply nested JSON", "POST", "/orders", """{"customerId":"{customer}","items":{nested}}"""),
        new("order create: empty body", "POST", "/orders", ""),
        new("order create: total past the largest amount", "POST", "/orders",
            """{"customerId":"{customer}","items":[{"productId":"{expensiveProduct}","quantity":2}]}""", "422"),
        new("order deliver: order never shipped", "POST", "/orders/{order}/deliver", null, "409"),
        new("order cancel: card number in reason", "POST", "/orders/{order}/cancel", $$"""{"reason":"refund to {{Pan}}"}"""),
        new("order cancel: delivered order", "POST", "/orders/{deliveredOrder}/cancel", """{"reason":"changed my mind"}""", "409"),
        new("order confirm: over-long note", "POST", "/orders/{order}/confirm", """{"note":"{long:501}"}"""),
        new("order confirm: malformed If-Match", "POST", "/orders/{order}/confirm", null, Headers: "If-Match: abc"),
        new("order confirm: text/plain body", "POST", "/orders/{order}/confirm", "note", "415", ContentType: "text/plain"),
        new("order list: SQL injection in status", "GET", "/orders?status=Created'--"),
        new("order list: huge page size", "GET", "/orders?pageSize=100000"),
        new("order list: page overflow", "GET", "/orders?page=2147483647&pageSize=200"),
        new("order get: unknown id", "GET", "/orders/{unknown}", null, "404"),
        new("order ship: unknown id", "POST", "/orders/{unknown}/ship", null, "404"),
        new("order delete: method not allowed", "DELETE", "/orders/{order}", null, "405"),

        // Payment
        new("payment method: number fails Luhn", "POST", "/payments/methods",
            """{"customerId":"{customer}","cardNumber":"4242424242424241","expiryMonth":12,"expiryYear":{nextYear}}"""),
        new("payment method: expired card", "POST", "/payments/methods",
            """{"customerId":"{customer}","cardNumber":"4242424242424242","expiryMonth":1,"expiryYear":2001}""", "422"),
        new("payment method: unknown customer", "POST", "/payments/methods",
            """{"customerId":"{unknown}","cardNumber":"4242424242424242","expiryMonth":12,"expiryYear":{nextYear}}""", "422"),
        new("payment method: month 13", "POST", "/payments/methods",
            """{"customerId":"{customer}","cardNumber":"4242424242424242","expiryMonth":13,"expiryYear":{nextYear}}"""),
        new("payment method: letters in security code", "POST", "/payments/methods",
            """{"customerId":"{customer}","cardNumber":"4242424242424242","expiryMonth":12,"expiryYear":{nextYear},"securityCode":"1a3"}"""),
        new("payment authorize: no Idempotency-Key", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{method}","amount":10,"currency":"EUR","customerId":"{customer}"}"""),
        new("payment authorize: zero amount", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{method}","amount":0,"currency":"EUR","customerId":"{customer}"}""", Headers: "Idempotency-Key: bad-1"),
        new("payment authorize: negative amount", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{method}","amount":-10,"currency":"EUR","customerId":"{customer}"}""", Headers: "Idempotency-Key: bad-2"),
        new("payment authorize: fractions of a cent", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{method}","amount":1.001,"currency":"EUR","customerId":"{customer}"}""", Headers: "Idempotency-Key: bad-3"),
        new("payment authorize: huge amount", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{method}","amount":1e17,"currency":"EUR","customerId":"{customer}"}""", Headers: "Idempotency-Key: bad-4"),
        new("payment authorize: unknown method", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{unknown}","amount":10,"currency":"EUR","customerId":"{customer}"}""", "422", Headers: "Idempotency-Key: bad-5"),
        new("payment authorize: no customer", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{method}","amount":10,"currency":"EUR"}""", Headers: "Idempotency-Key: bad-11"),
        new("payment authorize: another customer's card", "POST", "/payments/authorizations",
            """{"orderId":"{order}","paymentMethodId":"{otherMethod}","amount":10,"currency":"EUR","customerId":"{customer}"}""", "422",
            Headers: "Idempotency-Key: bad-12"),
        new("payment capture: already captured", "POST", "/payments/{payment}/capture", "{}", "409", Headers: "Idempotency-Key: bad-6"),
        new("payment void: already captured", "POST", "/payments/{payment}/void", null, "409", Headers: "Idempotency-Key: bad-7"),
        new("payment refund: more than captured", "POST", "/payments/{payment}/refunds", """{"amount":1000000}""", "422", Headers: "Idempotency-Key: bad-8"),
        new("payment refund: unknown payment", "POST", "/payments/{unknown}/refunds", "{}", "404", Headers: "Idempotency-Key: bad-9"),
        new("payment void: unknown payment", "POST", "/payments/{unknown}/void", null, "404", Headers: "Idempotency-Key: bad-10"),
        new("payment method remove: unknown id", "DELETE", "/payments/methods/{unknown}", null, "404"),
        new("payment method get: unknown id", "GET", "/payments/methods/{unknown}", null, "404"),
        new("payment list: no order id", "GET", "/payments"),
        new("payment outage switch: wrong type", "POST", "/payments/gateway/outage", """{"enabled":"yes"}"""),

        // Shipping
        new("shipping create: zero quantity", "POST", "/shipments",
            $$"""{"orderId":"{order}","address":{{ShipTo}},"items":[{"productId":"{product}","sku":"{sku}","quantity":0}]}"""),
        new("shipping create: invalid country", "POST", "/shipments",
            """{"orderId":"{order}","address":{"recipient":"Ada","line1":"1 Main St","city":"London","postalCode":"N1","country":"United Kingdom"},"items":[{"productId":"{product}","sku":"{sku}","quantity":1}]}"""),
        new("shipping create: card number in address", "POST", "/shipments",
            $$"""{"orderId":"{order}","address":{"recipient":"Ada","line1":"{{Pan}}","city":"London","postalCode":"N1","country":"GB"},"items":[{"productId":"{product}","sku":"{sku}","quantity":1}]}"""),
        new("shipping create: no items", "POST", "/shipments", $$"""{"orderId":"{order}","address":{{ShipTo}},"items":[]}"""),
        new("shipping create: missing address", "POST", "/shipments", """{"orderId":"{order}","items":[{"productId":"{product}","sku":"{sku}","quantity":1}]}"""),
        new("shipping webhook: unknown tracking number", "POST", "/shipments/carrier/webhook",
            """{"eventId":"{unknown}","trackingNumber":"NOPE-1","status":"InTransit","location":"Leeds","occurredAt":"2030-01-01T00:00:00Z"}""", "404",
            Signed: true),
        new("shipping webhook: unknown status", "POST", "/shipments/carrier/webhook",
            """{"eventId":"{unknown}","trackingNumber":"{tracking}","status":"Lost","occurredAt":"2030-01-01T00:00:00Z"}""", Signed: true),
        new("shipping webhook: card number in location", "POST", "/shipments/carrier/webhook",
            $$"""{"eventId":"{unknown}","trackingNumber":"{tracking}","status":"Delivered","location":"{{Pan}}","occurredAt":"2030-01-01T00:00:00Z"}""",
            Signed: true),
        new("shipping webhook: text/plain body", "POST", "/shipments/carrier/webhook",
            """{"eventId":"{unknown}","trackingNumber":"{tracking}","status":"Delivered","occurredAt":"2030-01-01T00:00:00Z"}""", "415",
            ContentType: "text/plain", Signed: true),
        new("shipping webhook: unsigned", "POST", "/shipments/carrier/webhook",
            """{"eventId":"{unknown}","trackingNumber":"{tracking}","status":"Delivered","occurredAt":"2030-01-01T00:00:00Z"}""", "401"),
        new("shipping webhook: signed with another secret", "POST", "/shipments/carrier/webhook",
            """{"eventId":"{unknown}","trackingNumber":"{tracking}","status":"Delivered","occurredAt":"2030-01-01T00:00:00Z"}""", "401",
            Headers: "Carrier-Signature: t={now},v1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        new("shipping get: unknown id", "GET", "/shipments/{unknown}", null, "404"),
        new("shipping by order: unknown order", "GET", "/shipments/by-order/{unknown}", null, "404"),

        // Delivery
        new("delivery plan: month 13", "POST", "/delivery/routes/plan", """{"day":"2030-13-01"}"""),
        new("delivery plan: SQL injection as day", "POST", "/delivery/routes/plan", """{"day":"2030-02-01'; DROP TABLE delivery.routes;--"}"""),
        new("delivery plan: day out of range", "POST", "/delivery/routes/plan", """{"day":"0001-01-01"}"""),
        new("delivery plan: extra field", "POST", "/delivery/routes/plan", """{"day":"2030-02-01","region":"US-94"}"""),
        new("delivery routes: no day", "GET", "/delivery/routes"),
        new("delivery routes: day not yyyy-MM-dd", "GET", "/delivery/routes?day=01/02/2030"),
        new("delivery routes: SQL injection in region", "GET", "/delivery/routes?day=2030-02-01&region=US-94'%20OR%20'1'='1"),
        new("delivery routes: script as region", "GET", "/delivery/routes?day=2030-02-01&region=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        new("delivery route: unknown id", "GET", "/delivery/routes/{unknown}", null, "404"),
        new("delivery shipment: on no route", "GET", "/delivery/shipments/{unknown}", null, "404"),

        // Notification
        new("notification send: unknown customer", "POST", "/notifications", """{"customerId":"{unknown}","templateKey":"order-confirmed"}""", "422"),
        new("notification send: unknown template", "POST", "/notifications", """{"customerId":"{customer}","templateKey":"no-such-template"}""", "422"),
        new("notification send: card number in data", "POST", "/notifications",
            $$$"""{"customerId":"{customer}","templateKey":"order-confirmed","data":{"orderId":"{{{Pan}}}"}}"""),
        new("notification send: over-long data value", "POST", "/notifications",
            """{"customerId":"{customer}","templateKey":"order-confirmed","data":{"orderId":"{long:1001}"}}"""),
        new("notification template: script as key", "PUT", "/notifications/templates/%3Cscript%3E", """{"subject":"Hi","body":"Hello"}"""),
        new("notification template: card number in body", "PUT", "/notifications/templates/card-leak", $$"""{"subject":"Hi","body":"Your card {{Pan}}"}"""),
        new("notification template: missing subject", "PUT", "/notifications/templates/no-subject", """{"body":"Hello"}"""),
        new("notification template: stale If-Match", "PUT", "/notifications/templates/order-confirmed", """{"subject":"Hi","body":"Hello"}""", "409",
            Headers: "If-Match: \"999\""),
        new("notification get: unknown id", "GET", "/notifications/{unknown}", null, "404"),
        new("notification channel failure: unknown channel", "POST", "/notifications/channels/pigeon/failure", """{"enabled":true}"""),
        new("notification list: no customer id", "GET", "/notifications"),

        // Pricing
        new("pricing quote: quantity zero", "POST", "/pricing/quotes", """{"customerId":"{customer}","lines":[{"productId":"{product}","quantity":0}]}"""),
        new("pricing quote: quantity 1000", "POST", "/pricing/quotes", """{"customerId":"{customer}","lines":[{"productId":"{product}","quantity":1000}]}"""),
        new("pricing quote: quantity beyond int", "POST", "/pricing/quotes", """{"customerId":"{customer}","lines":[{"productId":"{product}","quantity":2147483648}]}"""),
        new("pricing quote: duplicate lines", "POST", "/pricing/quotes",
            """{"customerId":"{customer}","lines":[{"productId":"{product}","quantity":1},{"productId":"{product}","quantity":2}]}"""),
        new("pricing quote: no lines", "POST", "/pricing/quotes", """{"customerId":"{customer}","lines":[]}"""),
        new("pricing quote: null line", "POST", "/pricing/quotes", """{"customerId":"{customer}","lines":[null]}"""),
        new("pricing quote: SQL injection in coupon", "POST", "/pricing/quotes",
            """{"customerId":"{customer}","lines":[{"productId":"{product}","quantity":1}],"couponCode":"X' OR '1'='1"}"""),
        new("pricing quote: card number as coupon", "POST", "/pricing/quotes",
            $$"""{"customerId":"{customer}","lines":[{"productId":"{product}","quantity":1}],"couponCode":"{{Pan}}"}"""),
        new("pricing quote: unknown product", "POST", "/pricing/quotes", """{"customerId":"{customer}","lines":[{"productId":"{unknown}","quantity":1}]}""", "422"),
        new("pricing quote get: unknown id", "GET", "/pricing/quotes/{unknown}", null, "404"),
        new("pricing rule: unknown kind", "POST", "/pricing/rules", """{"kind":"Bogus","name":"Sale"}"""),
        new("pricing rule: sale without window", "POST", "/pricing/rules",
            """{"kind":"SalePrice","name":"Sale","productId":"{product}","salePrice":5,"currency":"USD"}"""),
        new("pricing rule: tier for a product and a category", "POST", "/pricing/rules",
            """{"kind":"QuantityTier","name":"Tier","productId":"{product}","category":"parts","minimumQuantity":2,"percent":10}"""),
        new("pricing rule: percent of wrong type", "POST", "/pricing/rules", """{"kind":"MembershipDiscount","name":"Gold","membership":"Gold","percent":"ten"}"""),
        new("pricing rule: card number in name", "POST", "/pricing/rules",
            $$"""{"kind":"MembershipDiscount","name":"Gold {{Pan}}","membership":"Gold","percent":10}"""),
        new("pricing rule get: unknown id", "GET", "/pricing/rules/{unknown}", null, "404"),
        new("pricing rule retire: If-Match not an entity tag", "POST", "/pricing/rules/{unknown}/retire", null, Headers: "If-Match: 1"),
        new("pricing demand: unknown product", "GET", "/pricing/demand/{unknown}", null, "404"),

        // Checkout
        new("checkout submit: unknown order", "POST", "/checkout/orders/{unknown}/submit", """{"paymentMethodId":"{method}"}""", "404"),
        new("checkout submit: empty payment method id", "POST", "/checkout/orders/{order}/submit", """{"paymentMethodId":"00000000-0000-0000-0000-000000000000"}"""),
        new("checkout submit: unknown payment method", "POST", "/checkout/orders/{order}/submit", """{"paymentMethodId":"{unknown}"}""", "422"),
        new("checkout submit: another customer's card", "POST", "/checkout/orders/{order}/submit", """{"paymentMethodId":"{otherMethod}"}""", "422"),
        new("checkout submit: payment method of wrong type", "POST", "/checkout/orders/{order}/submit", """{"paymentMethodId":12345}"""),
        new("checkout cancel: delivered order", "POST", "/checkout/orders/{deliveredOrder}/cancel", """{"reason":"too late"}""", "409"),
        new("checkout cancel: missing reason", "POST", "/checkout/orders/{order}/cancel", "{}"),
        new("checkout cancel: card number in reason", "POST", "/checkout/orders/{order}/cancel", $$"""{"reason":"refund to {{Pan}}"}"""),
        new("checkout cancel: over-long reason", "POST", "/checkout/orders/{order}/cancel", """{"reason":"{long:501}"}"""),
        new("checkout retry: never submitted", "POST", "/checkout/orders/{order}/retry", null, "404"),
        new("checkout retry: saga finished", "POST", "/checkout/orders/{deliveredOrder}/retry", null, "404"),
        new("checkout list: query injection in stage", "GET", "/checkout/orders?stage=Accepted'%20OR%20WorkflowType%20!%3D%20'x"),
        new("checkout list: zero limit", "GET", "/checkout/orders?limit=0"),
        new("checkout get: malformed id", "GET", "/checkout/orders/1%20OR%201%3D1", null, "404"),
        new("checkout get: unknown order", "GET", "/checkout/orders/{unknown}", null, "404"),
        new("checkout relay: delivered event without payload", "POST", "/events/checkout",
            """{"id":"{unknown}","type":"ShipmentDelivered","source":"Shipping","aggregateId":"x","aggregateVersion":1,"occurredAt":"2030-01-01T00:00:00Z","payload":null}"""),
        new("checkout relay: delivered event with missing fields", "POST", "/events/checkout",
            """{"id":"{unknown}","type":"ShipmentDelivered","source":"Shipping","aggregateId":"x","aggregateVersion":1,"occurredAt":"2030-01-01T00:00:00Z","payload":{"shipmentId":"{unknown}"}}"""),
        new("checkout relay: malformed JSON", "POST", "/events/checkout", """{"id":"{unknown}","type":"""),

        // Messaging (every context's inbox and dead-letter tools)
        new("events inbox: envelope without type", "POST", "/events/customer", """{"id":"{unknown}","source":"Order"}"""),
        new("events inbox: payload with missing fields", "POST", "/events/product",
            """{"id":"{unknown}","type":"StockLevelChanged","source":"Inventory","aggregateId":"x@WH-1","aggregateVersion":1,"occurredAt":"2030-01-01T00:00:00Z","payload":{"sku":"x"}}"""),
        new("events inbox: null payload", "POST", "/events/order",
            """{"id":"{unknown}","type":"ProductCreated","source":"Product","aggregateId":"{unknown}","aggregateVersion":1,"occurredAt":"2030-01-01T00:00:00Z","payload":null}"""),
        new("events inbox: seller event without state", "POST", "/events/product",
            """{"id":"{unknown}","type":"SellerRegistered","source":"Seller","aggregateId":"{unknown}","aggregateVersion":1,"occurredAt":"2030-01-01T00:00:00Z","payload":{"sellerId":"{unknown}"}}"""),
        new("events inbox: seller event for the token server without state", "POST", "/events/customer",
            """{"id":"{unknown}","type":"SellerRegistered","source":"Seller","aggregateId":"{unknown}","aggregateVersion":1,"occurredAt":"2030-01-01T00:00:00Z","payload":{"sellerId":"{unknown}"}}"""),
        new("events inbox: approval without rating", "POST", "/events/product",
            """{"id":"{unknown}","type":"ReviewApproved","source":"Review","aggregateId":"{unknown}","aggregateVersion":2,"occurredAt":"2030-01-01T00:00:00Z","payload":{"reviewId":"{unknown}","productId":"{unknown}","customerId":"{unknown}","stars":5,"ratingVersion":1}}"""),
        new("ops replay: unknown dead letter", "POST", "/ops/inventory/dead-letters/{unknown}/replay", null, "404"),
        new("ops audit: zero limit", "GET", "/ops/customer/audit?limit=0"),
        new("ops audit: after not a number", "GET", "/ops/payment/audit?after=1%20OR%201%3D1"),
    ];

    private static readonly CliCase[] CliCases =
    [
        new("show: malformed order id", ExitCodes.Usage, "orders", "show", "not-a-guid"),
        new("show: path traversal as order id", ExitCodes.Usage, "orders", "show", "../../etc/passwd"),
        new("show: missing order id", ExitCodes.Usage, "orders", "show"),
        new("show: unknown order", ExitCodes.NotFound, "orders", "show", "{unknown}"),
        new("show: order never submitted", ExitCodes.NotFound, "orders", "show", "{order}"),
        new("list: negative limit", ExitCodes.Usage, "orders", "list", "--limit", "-5"),
        new("list: limit beyond int", ExitCodes.Usage, "orders", "list", "--limit", "99999999999"),
        new("list: query injection in status", ExitCodes.Usage, "orders", "list", "--status", "Accepted' OR WorkflowType != 'x"),
        new("retry: neither id nor --all-stuck", ExitCodes.Usage, "orders", "retry"),
        new("retry: finished saga", ExitCodes.NotFound, "orders", "retry", "{deliveredOrder}"),
        new("cancel: finished saga", ExitCodes.NotFound, "orders", "cancel", "{deliveredOrder}", "--reason", "too late"),
        new("cancel: empty reason", ExitCodes.Usage, "orders", "cancel", "{order}", "--reason", ""),
        new("cancel: card number in reason", ExitCodes.Usage, "orders", "cancel", "{order}", "--reason", $"refund to {Pan}"),
        new("cancel: over-long reason", ExitCodes.Usage, "orders", "cancel", "{order}", "--reason", "{long:501}"),
        new("unknown command", ExitCodes.Usage, "orders", "frobnicate"),
        new("unknown option", ExitCodes.Usage, "orders", "list", "--drop-tables"),
        new("Temporal unreachable", ExitCodes.Unreachable, "orders", "list", "--address", "127.0.0.1:1"),
    ];

    public static TheoryData<string> HttpCaseNames => [.. HttpCases.Select(c => c.Name)];

    public static TheoryData<string> CliCaseNames => [.. CliCases.Select(c => c.Name)];

    [Fact]
    public void Suite_CoversEveryPublicApiWithAtLeastSixtyCases()
    {
        Assert.True(HttpCases.Length + CliCases.Length >= 60);
        Assert.Equal(HttpCases.Length, HttpCases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(CliCases.Length, CliCases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        foreach (var api in HostedContexts.All.Select(c => c.Name.ToLowerInvariant()).Append("checkout"))
        {
            Assert.Contains(HttpCases, c => c.Name.StartsWith(api + " ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(HttpCaseNames))]
    public async Task Request_Malformed_IsRejectedWithProblemDetailsAndWritesNothing(string name)
    {
        var @case = HttpCases.Single(c => c.Name == name);
        var before = await system.CountRowsAsync();

        using var request = new HttpRequestMessage(new HttpMethod(@case.Method), Expand(@case.Path));
        if (@case.Body is not null)
        {
            var content = Encoding.UTF8.GetBytes(Expand(@case.Body));
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(@case.ContentType);
            if (@case.Signed)
            {
                request.Headers.Add(CarrierSigning.Header, CarrierSigning.Signature(BadInputSystem.CarrierWebhookSecret, Now(), content));
            }
        }

        foreach (var header in (@case.Headers ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            request.Headers.TryAddWithoutValidation(header[..colon], Expand(header[(colon + 1)..].Trim()));
        }

        if (@case.Path.StartsWith("/events/", StringComparison.Ordinal))
        {
            // An inbox takes deliveries only from the publisher's dispatcher: send as the publisher the body names
            // (Shipping, the relay's publisher, when it names none), so the case meets the body checks it is about.
            var publisher = PublisherOf().Match(@case.Body ?? "") is { Success: true } named ? named.Groups[1].Value : "Shipping";
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                await TestIdentity.PublisherTokenAsync(system.Client.BaseAddress!, publisher));
        }

        using var response = await system.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;

        Assert.True(@case.Allows(status), $"{name}: expected {@case.Status}, got {status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(body))
        {
            Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        }

        Assert.DoesNotContain(Pan, body, StringComparison.Ordinal);
        AssertSameRowCounts(before, await system.CountRowsAsync());

        // The problem this case drew (and any other since the last case: seeding, background deliveries) must be one
        // its operation declares in the OpenAPI document; see ProblemRecorder.
        await system.Problems.AssertDeclaredAsync(system.Client);
    }

    [Theory]
    [MemberData(nameof(CliCaseNames))]
    public async Task Command_Malformed_FailsWithAClearErrorAndWritesNothing(string name)
    {
        var @case = CliCases.Single(c => c.Name == name);
        var before = await system.CountRowsAsync();
        var args = @case.Args.Select(Expand).ToList();
        if (!args.Contains("--address"))
        {
            args.AddRange(["--address", system.Values["temporal"]]);
        }

        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await CommerceCommand.RunAsync([.. args], new InvocationConfiguration { Output = output, Error = error });

        Assert.True(@case.Exit == exit, $"{name}: expected exit {@case.Exit}, got {exit}: {error}{output}");
        Assert.False(string.IsNullOrWhiteSpace(error.ToString()), $"{name}: no error message");
        Assert.DoesNotContain("   at ", error.ToString() + output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.ToString() + output, StringComparison.Ordinal);
        AssertSameRowCounts(before, await system.CountRowsAsync());
    }

    private static void AssertSameRowCounts(SortedDictionary<string, long> before, SortedDictionary<string, long> after)
    {
        var changed = after.Where(t => !before.TryGetValue(t.Key, out var count) || count != t.Value)
            .Select(t => $"{t.Key}: {before.GetValueOrDefault(t.Key)} -> {t.Value}").ToList();
        Assert.True(changed.Count == 0, "Rows were written: " + string.Join(", ", changed));
        Assert.Equal(before.Keys, after.Keys);
    }

    [GeneratedRegex("\"source\":\"(\\w+)\"")]
    private static partial Regex PublisherOf();

    private string Expand(string text) => Placeholder().Replace(text, match => match.Groups[1].Value switch
    {
        "long" => new string('x', int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)),
        "oversized" => new string('x', 300 * 1024),
        "nested" => new string('[', 100) + new string(']', 100),
        "now" => Now().ToString(CultureInfo.InvariantCulture),
        var key => system.Values[key],
    });

    [GeneratedRegex(@"\{([A-Za-z]+)(?::(\d+))?\}")]
    private static partial Regex Placeholder();

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <param name="Status">The status expected: one code ("409"), alternatives ("400|404"); 400 when omitted.</param>
    /// <param name="Signed">Signed as the carrier signs its webhook calls, so the case reaches the checks behind the signature.</param>
    private sealed record HttpCase(
        string Name,
        string Method,
        string Path,
        string? Body = null,
        string Status = "400",
        string ContentType = Json,
        string? Headers = null,
        bool Signed = false)
    {
        public bool Allows(int status) =>
            Status.Split('|').Any(s => s == status.ToString(CultureInfo.InvariantCulture));
    }

    private sealed record CliCase(string Name, int Exit, params string[] Args);
}
