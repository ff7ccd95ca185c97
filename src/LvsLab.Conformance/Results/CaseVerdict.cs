namespace LvsLab.Conformance.Results;

/// <summary>What a conformance case found for one forwarder (Autobahn's vocabulary, plus "error").</summary>
public enum CaseVerdict
{
    /// <summary>The forwarder did what the case says.</summary>
    Pass,

    /// <summary>It did not, on a MUST case: a conformance failure.</summary>
    Fail,

    /// <summary>It did not, on a SHOULD case: noted, not a failure.</summary>
    NonStrict,

    /// <summary>The forwarder does not claim what the case needs (a mode, a scheduler, a capability): not run.</summary>
    Unsupported,

    /// <summary>The case could not be run (the lab did not come up, a tool failed): no verdict on the forwarder.</summary>
    Error,
}
