<#
.SYNOPSIS
    Build the DX人材認定台帳 installer natively on Windows (no Wine), for a municipality's own build PC.

.DESCRIPTION
    The same recipe as `make windows-installer` on Linux: a virtual environment with the pinned
    wheels of installer/requirements-windows.txt (checked by sha256), PyInstaller with
    installer/dx-jinzai.spec, a smoke test of the bundle without the source tree, then NSIS with
    installer/dx-jinzai.nsi. Result: dist\dx-jinzai-setup-<version>.exe.

    Needs: 64-bit CPython 3.13 (python.org installer), NSIS 3 (makensis on PATH or in its default
    folder). Everything else is created under build\windows-native.

.PARAMETER Python
    python.exe to create the virtual environment with (default: `py -3.13`).

.PARAMETER Wheelhouse
    A folder with the wheels of requirements-windows.txt, for a build PC without internet
    (fill it elsewhere with: pip download --only-binary=:all: --platform win_amd64 --python-version 3.13
    --no-deps --require-hashes -r installer\requirements-windows.txt -d <folder>).

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1
#>
param(
    [string]$Python = "",
    [string]$Wheelhouse = ""
)
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root
$out = Join-Path $root "build\windows-native"

function Invoke-Native {
    # PowerShell does not stop on a failing program by itself: check every exit code.
    param([string]$Program, [Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# 1. Virtual environment with exactly the pinned wheels
if (-not $Python) { $Python = (& py -3.13 -c "import sys; print(sys.executable)").Trim() }
$venv = Join-Path $out "venv"
if (-not (Test-Path "$venv\Scripts\python.exe")) { Invoke-Native $Python -m venv $venv }
$py = "$venv\Scripts\python.exe"
$source = if ($Wheelhouse) { @("--no-index", "--find-links", $Wheelhouse) } else { @() }
Invoke-Native $py -m pip install --quiet --require-hashes --no-deps @source -r installer\requirements-windows.txt

# 2. Translations, then the one-folder bundle (two programs) from the same spec as on Linux
Invoke-Native $py -m babel.messages.frontend compile -d resources\locale -D dx_jinzai
Invoke-Native $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$out\dist" `
    --workpath "$out\work" installer\dx-jinzai.spec
$bundle = Join-Path $out "dist\dx-jinzai"

# 3. The bundle runs without the source tree (CLI, certificate PDF, GUI offscreen)
Invoke-Native $py installer\smoke_test.py $bundle

# 4. NSIS
$version = (& $py installer\version.py).Trim()
$version4 = (& $py installer\version.py --numeric).Trim()
$makensis = Get-Command makensis -ErrorAction SilentlyContinue
$makensis = if ($makensis) { $makensis.Source } else { Join-Path ${env:ProgramFiles(x86)} "NSIS\makensis.exe" }
if (-not (Test-Path $makensis)) { throw "NSIS 3 is needed (makensis.exe not found)" }
New-Item -ItemType Directory -Force -Path (Join-Path $root "dist") | Out-Null
$setup = Join-Path $root "dist\dx-jinzai-setup-$version.exe"
Invoke-Native $makensis /INPUTCHARSET UTF8 /V2 "/DVERSION=$version" "/DVERSION4=$version4" "/DBUNDLE=$bundle" `
    "/DOUTFILE=$setup" installer\dx-jinzai.nsi

$bundleMB = [math]::Round(((Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum) / 1MB)
$setupMB = [math]::Round((Get-Item $setup).Length / 1MB)
Write-Host "Installer: $setup ($setupMB MB; bundle $bundleMB MB)"
Write-Host "Sign it with the municipality's certificate before distribution: see installer\README.md."
