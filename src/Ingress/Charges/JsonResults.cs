using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Payments.Ingress.Charges;

/// <summary>Objects are rendered by the database (one shape for answers and events); these wrap them.</summary>
internal static class JsonResults
{
    public static ContentHttpResult Object(string json, int status = StatusCodes.Status200OK) =>
        TypedResults.Text(json, "application/json", Encoding.UTF8, status);

    /// <summary><c>{ "object": "list", "data": [...], "has_more": … }</c> from pre-rendered objects.</summary>
    public static ContentHttpResult List(IReadOnlyList<string> items, int limit)
    {
        var builder = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (var i = 0; i < Math.Min(items.Count, limit); i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(items[i]);
        }

        builder.Append("],\"has_more\":").Append(items.Count > limit ? "true" : "false").Append('}');
        return Object(builder.ToString());
    }
}
