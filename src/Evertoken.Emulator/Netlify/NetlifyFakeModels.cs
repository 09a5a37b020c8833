using System.Text.Json.Serialization;

namespace Evertoken.Emulator.Netlify;

// Wire shapes of the Netlify API subset the fake serves (shared/reference/netlify-env.md; Netlify's OpenAPI document,
// schemas "envVar", "build", "deploy", "error"). Internal: tests talk to the fake over HTTP or through NetlifyFake.

/// <summary>A variable as Netlify returns it.</summary>
internal sealed record NetlifyVariableDto(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("values")] IReadOnlyList<NetlifyValueDto> Values,
    [property: JsonPropertyName("is_secret")] bool IsSecret,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>One context's value; <c>value</c> is left out for a secret variable, which cannot be read back.</summary>
internal sealed record NetlifyValueDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value,
    [property: JsonPropertyName("context")] string Context,
    [property: JsonPropertyName("context_parameter")] string ContextParameter);

/// <summary>One element of the create body, or the body of a replace (PUT).</summary>
internal sealed record NetlifyVariableInput(
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("scopes")] List<string>? Scopes,
    [property: JsonPropertyName("values")] List<NetlifyValueInput>? Values,
    [property: JsonPropertyName("is_secret")] bool IsSecret);

/// <summary>A value in a create or replace body, and the PATCH body that sets one context.</summary>
internal sealed record NetlifyValueInput(
    [property: JsonPropertyName("context")] string? Context,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("context_parameter")] string? ContextParameter);

/// <summary>The answer of <c>POST /sites/{site_id}/builds</c> (OpenAPI schema "build").</summary>
internal sealed record NetlifyBuildDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("deploy_id")] string DeployId,
    [property: JsonPropertyName("sha")] string? Sha,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

/// <summary>A deploy, reduced to the fields a caller following a redeploy reads (OpenAPI schema "deploy").</summary>
internal sealed record NetlifyDeployDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("site_id")] string SiteId,
    [property: JsonPropertyName("build_id")] string BuildId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("context")] string Context,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

/// <summary>Netlify's error body (OpenAPI schema "error").</summary>
internal sealed record NetlifyErrorDto(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message);
