namespace Evertoken.Alerts;

/// <summary>Settings of the <see cref="AlertManager"/>.</summary>
public sealed class AlertManagerOptions
{
    /// <summary>
    /// How often a problem that persists is announced again. Default 24 hours. <see cref="TimeSpan.Zero"/> or a
    /// negative value turns reminders off.
    /// </summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many alerts <see cref="AlertManager.Recent"/> keeps. Default 100.</summary>
    public int RecentCapacity { get; set; } = 100;
}
