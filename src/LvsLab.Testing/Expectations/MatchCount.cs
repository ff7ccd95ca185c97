namespace LvsLab.Testing.Expectations;

/// <summary>How many captured frames must match a template.</summary>
public enum MatchCount
{
    /// <summary>One or more (a retransmission is fine).</summary>
    AtLeastOne,

    /// <summary>Exactly one (a duplicate is a failure).</summary>
    ExactlyOne,
}
