namespace Evertoken.Emulator.Internal;

/// <summary>An authenticated Graph caller: its token value, record and app.</summary>
internal sealed record GraphCaller(string Token, TokenRecord Record, EmulatorApp App)
{
    public override string ToString() => Record.ToString();
}
