namespace LvsLab.Decap;

/// <summary>
/// Writes the stats file on a background thread: at most once per <see cref="Interval"/> (about
/// 10 times a second), and only when a counter changed since the last write. The receive loop
/// never waits for it.
/// </summary>
internal sealed class StatsPublisher : IDisposable
{
    /// <summary>The shortest time between two writes.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Decapsulator _decap;
    private readonly string _path;
    private readonly string _tunName;
    private readonly Action<string> _log;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private DecapSnapshot? _written;
    private bool _failureLogged;

    /// <summary>Writes the file once (throws if it cannot) and starts the background thread.</summary>
    /// <param name="decap">Whose counters to publish.</param>
    /// <param name="path">The stats file.</param>
    /// <param name="tunName">The TUN device's name, part of the document.</param>
    /// <param name="log">Where to report a failed write (once until a write succeeds again).</param>
    public StatsPublisher(Decapsulator decap, string path, string tunName, Action<string> log)
    {
        _decap = decap;
        _path = path;
        _tunName = tunName;
        _log = log;
        Write(decap.Snapshot());
        _thread = new Thread(Run) { IsBackground = true, Name = "lvs-decap stats" };
        _thread.Start();
    }

    /// <summary>Stops the thread and writes the final counters.</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        PublishIfChanged();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Wait(Interval))
        {
            PublishIfChanged();
        }
    }

    private void PublishIfChanged()
    {
        var snapshot = _decap.Snapshot();
        if (!snapshot.DiffersFrom(_written))
        {
            return;
        }

        try
        {
            Write(snapshot);
            _failureLogged = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_failureLogged)
            {
                _log($"lvs-decap: cannot write stats to {_path}: {e.Message}");
                _failureLogged = true;
            }
        }
    }

    private void Write(DecapSnapshot snapshot)
    {
        StatsFile.WriteAtomically(_path, StatsFile.Format(_tunName, snapshot));
        _written = snapshot;
    }
}
