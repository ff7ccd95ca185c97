using LvsLab.Cli;

return await LabCommands.Build().Parse(args).InvokeAsync();
