namespace Evertoken.Sinks;

/// <summary>Settings of a <see cref="DotEnvFileSink"/>.</summary>
public sealed class DotEnvFileSinkOptions
{
    /// <summary>The <c>.env</c> file to update. Required. Created (mode 0600) when absent; its folder must exist.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The variable that receives the token. Default <c>WHATSAPP_ACCESS_TOKEN</c>.</summary>
    public string VariableName { get; set; } = "WHATSAPP_ACCESS_TOKEN";

    /// <summary>
    /// Also write <see cref="TokenPush.PhoneNumberId"/> (when the push has one) to <see cref="PhoneNumberIdVariableName"/>.
    /// Default false.
    /// </summary>
    public bool WritePhoneNumberId { get; set; }

    /// <summary>The variable that receives the phone number id. Default <c>WHATSAPP_PHONE_NUMBER_ID</c>.</summary>
    public string PhoneNumberIdVariableName { get; set; } = "WHATSAPP_PHONE_NUMBER_ID";

    /// <summary>Every problem with these settings, in words; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            problems.Add("The .env sink needs a file path.");
        }

        if (!DotEnvFileSink.IsValidName(VariableName))
        {
            problems.Add($"'{VariableName}' is not a valid variable name (letters, digits and '_', not starting with a digit).");
        }

        if (WritePhoneNumberId && !DotEnvFileSink.IsValidName(PhoneNumberIdVariableName))
        {
            problems.Add($"'{PhoneNumberIdVariableName}' is not a valid variable name (letters, digits and '_', not starting with a digit).");
        }

        return problems;
    }
}
