global using Temporalio.Client;
global using Temporalio.Exceptions;
global using Temporalio.Worker;
global using Xunit;
