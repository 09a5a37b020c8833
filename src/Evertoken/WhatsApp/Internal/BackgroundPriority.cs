using System.Runtime.InteropServices;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// Puts the calling thread at the lowest CPU priority, so it only uses CPU that other work leaves idle. On Linux
/// .NET does not map <see cref="Thread.Priority"/> to the scheduler, so the thread's nice value is set directly
/// (<c>setpriority(2)</c> on the thread id; raising the nice value needs no privilege). Best effort: where that is
/// not possible the thread keeps its priority.
/// </summary>
internal static class BackgroundPriority
{
    private const int PrioProcess = 0;
    private const int LowestNice = 19;

    /// <summary>Lowers the calling thread's priority; true when it was lowered.</summary>
    public static bool Apply()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return SetPriority(PrioProcess, GetThreadId(), LowestNice) == 0;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }

        Thread.CurrentThread.Priority = ThreadPriority.Lowest;
        return true;
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
