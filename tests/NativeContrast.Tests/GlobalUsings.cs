global using NUnit.Framework;
global using NativeContrast;
