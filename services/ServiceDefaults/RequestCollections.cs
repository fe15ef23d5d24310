using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Commerce.ServiceDefaults;

/// <summary>
/// Strict reading of every array and map in the records the wire carries (request bodies, event payloads): an element
/// (or map value) may be null only where its type says so (<c>IReadOnlyList&lt;string?&gt;</c>), which
/// <see cref="JsonSerializerOptions.RespectNullableAnnotations"/> checks for members but not for elements; and a
/// collection holds at most what its <see cref="MaxLengthAttribute"/> declares, which the OpenAPI documents publish as
/// <c>maxItems</c> (<c>maxProperties</c> for a map). Either breach fails the binding, so it is a 400 naming the field
/// (<c>items[0]</c>, <c>items</c>) before any endpoint runs, never a null dereference deep in a handler.
/// </summary>
public static class RequestCollections
{
    /// <summary>A <see cref="DefaultJsonTypeInfoResolver"/> modifier: checks each collection-typed member once its record is read.</summary>
    public static void Apply(JsonTypeInfo typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var nullability = new NullabilityInfoContext();
        var rules = typeInfo.Properties
            .Where(p => p.Get is not null && IsCollection(p.PropertyType))
            .Select(p => new Rule(p.Name, p.Get!, MaxLengthOf(p)?.Length, ElementsMayBeNull(p, nullability)))
            .Where(r => r.MaxLength is not null || !r.NullElements)
            .ToArray();
        if (rules.Length == 0)
        {
            return;
        }

        var previous = typeInfo.OnDeserialized;
        typeInfo.OnDeserialized = value =>
        {
            previous?.Invoke(value);
            foreach (var rule in rules)
            {
                rule.Check(value);
            }
        };
    }

    /// <summary>For an OpenAPI document: <c>maxItems</c> (or <c>maxProperties</c>) from a member's <see cref="MaxLengthAttribute"/>.</summary>
    internal static void Describe(OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is { } property && IsCollection(property.PropertyType) && MaxLengthOf(property) is { } max)
            {
                if (schema.Type?.HasFlag(JsonSchemaType.Array) == true)
                {
                    schema.MaxItems = max.Length;
                }
                else
                {
                    schema.MaxProperties = max.Length;
                }
            }

            return Task.CompletedTask;
        });

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static MaxLengthAttribute? MaxLengthOf(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(MaxLengthAttribute), inherit: true).OfType<MaxLengthAttribute>().FirstOrDefault()
        ?? property.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(typeof(MaxLengthAttribute), inherit: true)
            .OfType<MaxLengthAttribute>().FirstOrDefault();

    /// <summary>Whether the element (a map's value) type is annotated nullable; value types cannot be null once read.</summary>
    private static bool ElementsMayBeNull(JsonPropertyInfo property, NullabilityInfoContext context)
    {
        var info = property.AttributeProvider switch
        {
            PropertyInfo p => context.Create(p),
            FieldInfo f => context.Create(f),
            _ => null,
        };
        var element = info?.ElementType ?? (info?.GenericTypeArguments is { Length: > 0 } arguments ? arguments[^1] : null);
        return element is null
               || (element.Type.IsValueType ? Nullable.GetUnderlyingType(element.Type) is not null : element.ReadState != NullabilityState.NotNull);
    }

    private sealed record Rule(string Name, Func<object, object?> Get, int? MaxLength, bool NullElements)
    {
        public void Check(object owner)
        {
            switch (Get(owner))
            {
                case IDictionary map:
                    CheckCount(map.Count, "entries");
                    foreach (DictionaryEntry entry in map)
                    {
                        if (entry.Value is null && !NullElements)
                        {
                            throw new JsonFieldException($"{Name}.{entry.Key}", "Must not be null.");
                        }
                    }

                    break;
                case IEnumerable elements:
                    var index = 0;
                    foreach (var element in elements)
                    {
                        if (element is null && !NullElements)
                        {
                            throw new JsonFieldException($"{Name}[{index}]", "Must not be null.");
                        }

                        index++;
                        CheckCount(index, "items");
                    }

                    break;
            }
        }

        private void CheckCount(int count, string what)
        {
            if (count > MaxLength)
            {
                throw new JsonFieldException(Name, $"At most {MaxLength} {what}.");
            }
        }
    }
}

/// <summary>
/// A member of a record just read is invalid. System.Text.Json sets <see cref="JsonException.Path"/> to the record's
/// own path; <see cref="Field"/> is relative to it, so the error's key is the two joined (<c>lines[0]</c>,
/// <c>preferences.notificationChannels</c>).
/// </summary>
public sealed class JsonFieldException(string field, string message, string? path = null) : JsonException(message, path, null, null)
{
    public string Field { get; } = field;
}
