namespace Payments.Load.Reporting;

/// <summary>Where the figures were taken: they mean nothing without the machine.</summary>
internal sealed record MachineInfo(int Cores, double MemoryGib, string Os, string Runtime, long? OpenFilesSoft, long? OpenFilesHard)
{
    public static MachineInfo Current((long Soft, long Hard)? openFiles) => new(
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1),
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        openFiles?.Soft,
        openFiles?.Hard);
}
