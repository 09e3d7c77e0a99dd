using System.Diagnostics;
using Payments.Load.Arrivals;
using Payments.Load.Hosting;
using Payments.Load.Measuring;

namespace Payments.Load.Running;

/// <summary>
/// The open model: arrival <c>n</c> is due at <c>n / rate</c> seconds, and a dedicated thread
/// starts every due arrival without waiting for any answer, so a slow service shows up as
/// more requests in flight and longer latencies, never as a lower offered rate (a closed loop
/// would wait and hide the overload). Latency is measured from the scheduled time, so a
/// request that the runner itself started late is charged for the delay too. An arrival that
/// finds every connection busy waits at most <see cref="LoadOptions.MaxSendWaitMs"/> and is then
/// dropped and counted, so that an overloaded service shows as refusals and drops, not as a
/// queue inside the runner that grows for the whole run.
/// </summary>
internal sealed partial class LoadRun(LoadOptions options, HttpClient http, int connections, RunLedger ledger, ProcessWatch watch) : IDisposable
{
    private readonly SemaphoreSlim _connections = new(connections, connections);
    private readonly Stopwatch _clock = new();
    private readonly ChargeRequestTemplate _template = new(options.RunId, options.DeclineShare);
    private readonly LogLinearHistogram _accept = new();
    private readonly LogLinearHistogram _sendLag = new();
    private readonly LogLinearHistogram _timeToFinal = new();

    // The accept latency of the current second, warm-up included, for the timeline: the sampler
    // swaps in an empty one each second. An answer that read the old one just before the swap
    // lands in it after the summary was taken and is left out of both seconds; a handful at most.
    private LogLinearHistogram _acceptThisSecond = new();
    private readonly OutcomeCounts _outcomes = new();
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _pacingDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<TimelineSample> _timeline = [];
    private readonly Uri _charges = new(options.ServiceUrl, "/v1/charges");
    private readonly string _authorization = "Bearer " + options.MerchantKey;
    private IReadOnlyList<ProcessUsage> _atWarmupEnd = [];
    private double _warmupEndSeconds;

    // One for the pacer itself, so the count cannot reach zero before the last arrival starts.
    private long _outstanding = 1;
    private long _arrivals;
    private long _httpRequests;
    private long _answered;
    private long _accepted;
    private long _errors;
    private long _refused;
    private long _dropped;
    private long _inFlight;
    private long _maxInFlightThisSecond;
    private long _maxInFlight;
    private long _polling;
    private long _sampledNotFinal;

    /// <summary>When the last arrival was started (a <see cref="Stopwatch"/> timestamp): "after the run" counts from here.</summary>
    public long SendingEndedTimestamp { get; private set; }

    public void Dispose() => _connections.Dispose();

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _clock.Start();
        var sampler = SampleTimelineAsync(stopSampling.Token);

        // A thread of its own: a busy thread pool must not slow the arrivals down.
        var pacer = new Thread(() => Pace(cancellationToken)) { IsBackground = true, Name = "pacer", Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        await _pacingDone.Task;
        SendingEndedTimestamp = Stopwatch.GetTimestamp();
        var sendingSeconds = _clock.Elapsed.TotalSeconds;
        var atSendingEnd = watch.Sample();
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _allAnswered.TrySetResult();
        }

        // Every request is bounded by the client's timeout, so this ends.
        await _allAnswered.Task.WaitAsync(cancellationToken);
        await Task.WhenAll(_probes).WaitAsync(cancellationToken);
        await stopSampling.CancelAsync();
        await sampler;

        var measuredSeconds = Math.Max(1e-9, sendingSeconds - options.WarmupSeconds);
        var measured = options.TotalArrivals - options.WarmupArrivals;
        return new LoadResult(
            options.TotalArrivals,
            measured,
            Volatile.Read(ref _httpRequests),
            sendingSeconds,
            measured / measuredSeconds,
            _accept.Count / measuredSeconds,
            _accept.Summarize(),
            _sendLag.Summarize(),
            _timeToFinal.Summarize(),
            Volatile.Read(ref _sampledNotFinal),
            Volatile.Read(ref _maxInFlight),
            ledger.ReplayMismatches,
            _outcomes.Snapshot(),
            CpuSplit(_atWarmupEnd, atSendingEnd, sendingSeconds - _warmupEndSeconds),
            _timeline);
    }

    private void Pace(CancellationToken cancellationToken)
    {
        var plan = new ArrivalPlan(options.RetryShare, options.DuplicateShare, options.Seed);
        var total = options.TotalArrivals;
        long next = 0;
        while (next < total && !cancellationToken.IsCancellationRequested)
        {
            // Arrivals 0..due-1 are due by now: arrival n is scheduled at n / rate seconds.
            var due = Math.Min(total, (long)(_clock.Elapsed.TotalSeconds * options.Rate) + 1);
            while (next < due)
            {
                var arrival = plan.Next(next++);
                Interlocked.Increment(ref _outstanding);
                ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Run.ArriveAsync(state.Arrival, state.Token), (Run: this, Arrival: arrival, Token: cancellationToken), preferLocal: false);
            }

            Volatile.Write(ref _arrivals, next);

            Thread.Sleep(1);
        }

        _pacingDone.TrySetResult();
    }

    private long ScheduledTicks(long number) => (long)(number * (double)Stopwatch.Frequency / options.Rate);

    private long MicrosecondsSince(long ticks) => (_clock.ElapsedTicks - ticks) * 1_000_000 / Stopwatch.Frequency;

    private async Task SampleTimelineAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long arrivals = 0, sent = 0, answered = 0, accepted = 0, errors = 0, refused = 0;
        var second = 0;
        var previous = watch.Sample();
        var previousAt = _clock.Elapsed.TotalSeconds;
        if (options.WarmupSeconds == 0)
        {
            _atWarmupEnd = previous;
        }
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                second++;
                var usage = watch.Sample();
                var now = _clock.Elapsed.TotalSeconds;
                if (second == options.WarmupSeconds)
                {
                    _atWarmupEnd = usage;
                    _warmupEndSeconds = now;
                }

                var acceptLatency = Interlocked.Exchange(ref _acceptThisSecond, new LogLinearHistogram());
                var sample = new TimelineSample(
                    second,
                    Delta(ref arrivals, Volatile.Read(ref _arrivals)),
                    Delta(ref sent, Volatile.Read(ref _httpRequests)),
                    Delta(ref answered, Volatile.Read(ref _answered)),
                    Delta(ref accepted, Volatile.Read(ref _accepted)),
                    Delta(ref errors, Volatile.Read(ref _errors) + Volatile.Read(ref _dropped)),
                    Delta(ref refused, Volatile.Read(ref _refused)),
                    acceptLatency.Count > 0 ? acceptLatency.Summarize() : null,
                    Volatile.Read(ref _inFlight),
                    Interlocked.Exchange(ref _maxInFlightThisSecond, Volatile.Read(ref _inFlight)),
                    Volatile.Read(ref _polling),
                    usage.Zip(previous).ToDictionary(u => u.First.Name, u => Math.Round((u.First.CpuSeconds - u.Second.CpuSeconds) * 100 / (now - previousAt)), StringComparer.Ordinal),
                    usage.ToDictionary(u => u.Name, u => u.RssMib, StringComparer.Ordinal));
                previous = usage;
                previousAt = now;
                _timeline.Add(sample);
                Reporting.ConsoleReport.WriteTimeline(sample, second == 1);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over: sampling stops with it.
        }

        static long Delta(ref long last, long now)
        {
            var delta = now - last;
            last = now;
            return delta;
        }
    }

    private static List<CpuShare> CpuSplit(IReadOnlyList<ProcessUsage> start, IReadOnlyList<ProcessUsage> end, double seconds)
    {
        if (start.Count != end.Count || seconds <= 0)
        {
            return [];
        }

        var shares = end.Zip(start).Select(u => Share(u.First.Name, u.First.CpuSeconds - u.Second.CpuSeconds)).ToList();

        // What the machine did beyond the watched processes: other engineers' builds and tests on a shared machine.
        var machine = shares.Find(s => s.Name == ProcessWatch.Machine);
        if (machine is not null)
        {
            shares.Add(Share("others", Math.Max(0, machine.CpuSeconds - shares.Where(s => s != machine).Sum(s => s.CpuSeconds))));
        }

        return shares;

        CpuShare Share(string name, double cpu) =>
            new(name, Math.Round(cpu, 2), Math.Round(cpu / seconds, 2), Math.Round(cpu * 100 / seconds / Environment.ProcessorCount, 1));
    }

    private static void RaiseMax(ref long max, long value)
    {
        var seen = Volatile.Read(ref max);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref max, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
