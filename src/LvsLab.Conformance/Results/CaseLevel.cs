namespace LvsLab.Conformance.Results;

/// <summary>How binding a case is (RFC 2119's words).</summary>
public enum CaseLevel
{
    /// <summary>An LVS forwarder must do this; not doing it is a failure.</summary>
    Must,

    /// <summary>An LVS forwarder should do this; not doing it is "non-strict".</summary>
    Should,
}
