using System.CommandLine;

namespace Evertoken.Server.Cli;

/// <summary>Options naming the app and the WhatsApp number; each falls back to the environment and <c>.env</c>.</summary>
public static class CredentialOptions
{
    /// <summary><c>--app-id</c> (env <c>APP_ID</c>).</summary>
    public static Option<string?> AppId() => new("--app-id") { Description = "Meta app id [env/.env: APP_ID]" };

    /// <summary><c>--phone-number-id</c> (env <c>WHATSAPP_PHONE_NUMBER_ID</c> or <c>PHONE_NUMBER_ID</c>).</summary>
    public static Option<string?> PhoneNumberId() => new("--phone-number-id") { Description = "WhatsApp phone number id [env/.env: WHATSAPP_PHONE_NUMBER_ID, PHONE_NUMBER_ID]" };

    /// <summary><c>--waba-id</c> (env <c>WHATSAPP_BUSINESS_ACCOUNT_ID</c> or <c>WABA_ID</c>).</summary>
    public static Option<string?> WabaId() => new("--waba-id") { Description = "WhatsApp business account id [env/.env: WHATSAPP_BUSINESS_ACCOUNT_ID, WABA_ID]" };

    /// <summary>The token argument: a value, <c>-</c> for standard input, or absent for the environment / <c>.env</c>.</summary>
    public static Argument<string?> Token() => new("token")
    {
        Description = "The token, or - to read it from standard input; default: WHATSAPP_ACCESS_TOKEN, ACCESS_TOKEN or SYSTEM_USER_ACCESS_TOKEN from the environment or ./.env",
        Arity = ArgumentArity.ZeroOrOne,
    };
}
