namespace Evertoken.Emulator.Internal;

/// <summary>One Graph error, before it becomes an envelope: <c>{"error":{message,type,code,error_subcode?,is_transient?,fbtrace_id}}</c>.</summary>
internal sealed record GraphError(int Code, string Message)
{
    public string Type { get; init; } = "OAuthException";

    public int? Subcode { get; init; }

    public bool? IsTransient { get; init; }

    /// <summary>
    /// WhatsApp's <c>error_data.details</c>; when set the envelope carries
    /// <c>error_data{messaging_product:"whatsapp", details}</c> (reference whatsapp-cloud-api.md §1).
    /// </summary>
    public string? Details { get; init; }

    /// <summary>An explicit HTTP status; null = the usual status for <see cref="Code"/>.</summary>
    public int? HttpStatus { get; init; }
}
