using System.Text.Json;

namespace Evertoken.Emulator.Endpoints;

// Bodies of the control API (snake_case JSON through EmulatorJson.Options).

internal sealed record CreateAppBody(string? Name, bool? RequireAppsecretProof, string? Id, string? Secret);

internal sealed record UpdateAppBody(bool? RequireAppsecretProof);

internal sealed record CreateBusinessBody(string? Name, string? Id);

internal sealed record CreateSystemUserBody(string? BusinessId, string? Name, string? Role, string? Id, IReadOnlyList<string>? InstalledAppIds);

internal sealed record CreateWabaBody(string? BusinessId, string? Name, string? Id, IReadOnlyList<string>? SubscribedAppIds);

internal sealed record CreatePhoneNumberBody(
    string? WabaId,
    string? DisplayPhoneNumber,
    string? VerifiedName,
    string? Id,
    string? QualityRating,
    string? NameStatus,
    string? CodeVerificationStatus,
    string? Status,
    string? AccountMode,
    string? MessagingLimitTier);

internal sealed record CreateTokenBody(
    string? AppId,
    EmulatorTokenKind? Kind,
    JsonElement? Lifetime,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<string>? WabaIds,
    IReadOnlyList<string>? PhoneNumberIds,
    string? SystemUserId,
    string? UserId,
    string? UserName,
    string? ProfileId);

internal sealed record InvalidateBody(string? AccessToken, int? Subcode);

internal sealed record CreateCodeBody(string? AppId, string? BusinessId, IReadOnlyList<string>? WabaIds, IReadOnlyList<string>? Scopes);

internal sealed record AdvanceClockBody(double? Seconds);
