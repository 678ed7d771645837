<#
.SYNOPSIS
    Install, run and uninstall a built installer on a real Windows PC or CI runner.

.DESCRIPTION
    The native counterpart of installer/windows_smoke.py (which does the same under Wine):
    silent per-user install, the installed CLI passes its self-check, creates the register in the user data folder and
    writes certificates, silent uninstall removes the program, its shortcuts and its uninstall
    entry and leaves the register where it was. Judged by files, not by exit codes.
    Do not run it on a PC where DX人材認定台帳 is in real use: it uses the user's own data folder.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File installer\windows-install-test.ps1 dist\dx-jinzai-setup-0.1.0.exe
#>
param([Parameter(Mandatory = $true)][string]$Setup)
$ErrorActionPreference = "Stop"
$installDir = Join-Path $env:LOCALAPPDATA "Programs\dx-jinzai"
$dataDir = Join-Path $env:LOCALAPPDATA "dx-jinzai"
$key = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\dx-jinzai"
$appName = "DX人材認定台帳"
function Check([bool]$ok, [string]$message) { if (-not $ok) { throw "FAILED: $message" } }

Start-Process -FilePath $Setup -ArgumentList "/S" -Wait
Check (Test-Path "$installDir\dx-jinzai.exe") "not installed to $installDir"
Check (Test-Path "$installDir\_internal\licenses\LICENSES.txt") "no licence texts"
Check (Test-Path $key) "no uninstall entry"
Check ((Get-ItemProperty $key).DisplayName -eq $appName) "wrong DisplayName"
Check (Test-Path ([Environment]::GetFolderPath("Desktop") + "\$appName.lnk")) "no desktop shortcut"
Check (Test-Path ([Environment]::GetFolderPath("Programs") + "\$appName\$appName.lnk")) "no Start-menu shortcut"

$cli = "$installDir\dx-jinzai-cli.exe"
$version = & $cli --version
Check ($version -like "dx-jinzai *") "--version printed $version"
# Fonts, catalogue, migrations and every lazily imported module of the installed program.
$selfCheck = (& $cli self-check --json) -join "`n"
Check (($LASTEXITCODE -eq 0) -and ($selfCheck | ConvertFrom-Json).ok) "the self-check failed:`n$selfCheck"
$db = Join-Path $dataDir "dx-jinzai.sqlite"
$hadRegister = Test-Path $db
if (-not $hadRegister) {
    & $cli init | Out-Null
    & $cli demo | Out-Null
}
Check (Test-Path $db) "no register in $dataDir"
$pdf = Join-Path $env:TEMP "dx-jinzai-certificates.pdf"
Remove-Item $pdf -ErrorAction SilentlyContinue
& $cli certificates --out $pdf --all | Out-Null
Check ((Test-Path $pdf) -and ((Get-Content $pdf -TotalCount 1) -like "%PDF*")) "no certificate PDF"
$registerHash = (Get-FileHash $db).Hash

Start-Process -FilePath "$installDir\uninstall.exe" -ArgumentList "/S" -Wait
Start-Sleep -Seconds 5  # the uninstaller finishes from its copy in %TEMP%
Check (-not (Test-Path $installDir)) "the program folder is still there"
Check (-not (Test-Path $key)) "the uninstall entry is still there"
Check (-not (Test-Path ([Environment]::GetFolderPath("Desktop") + "\$appName.lnk"))) "the desktop shortcut is still there"
Check ((Test-Path $db) -and ((Get-FileHash $db).Hash -eq $registerHash)) "the uninstaller touched the register"
Write-Host "Installed, ran ($version), uninstalled; the register was kept: $db"
