namespace Evertoken.Emulator;

/// <summary>A business portfolio (Business Manager).</summary>
/// <param name="Id">The business id.</param>
/// <param name="Name">Its name.</param>
public sealed record EmulatorBusiness(string Id, string Name);
