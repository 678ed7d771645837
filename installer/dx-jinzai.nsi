;; DX人材認定台帳 — Windows installer (NSIS 3, Unicode, 64-bit).
;;
;; Per-user install without administrator rights to %LOCALAPPDATA%\Programs\dx-jinzai, Start-menu
;; and desktop shortcuts, an uninstall entry under HKCU, Japanese pages, silent mode (/S).
;; The user data folder (%LOCALAPPDATA%\dx-jinzai: the register, its backups and logs) is never
;; touched: neither the installer nor the uninstaller knows its path.
;;
;; Built by installer/build-windows-installer.sh (make windows-installer) or build-windows.ps1:
;;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DBUNDLE=<one-folder bundle>
;;            -DOUTFILE=<setup.exe> installer/dx-jinzai.nsi
;;
;; Exit codes: 0 installed / uninstalled, 1 cancelled by the user, 2 aborted by NSIS,
;; 3 refused because DX人材認定台帳 is running (in silent mode too).

Unicode true
;; The default x86 stub fails under 64-bit Wine with exit code 0; the bundle is 64-bit anyway.
Target amd64-unicode
ManifestDPIAware true
ManifestSupportedOS all

!ifndef VERSION | VERSION4 | BUNDLE | OUTFILE
  !error "pass -DVERSION=x.y.z -DVERSION4=x.y.z.w -DBUNDLE=<bundle folder> -DOUTFILE=<setup.exe>"
!endif

!define APP_NAME "DX人材認定台帳"
!define APP_ID "dx-jinzai"
!define PUBLISHER "DX人材認定台帳"
!define GUI_EXE "dx-jinzai.exe"
!define CLI_EXE "dx-jinzai-cli.exe"
!define UNINSTALL_EXE "uninstall.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define START_MENU "$SMPROGRAMS\${APP_NAME}"
!define EXIT_APP_RUNNING 3

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh

Name "${APP_NAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
!ifdef COMPRESSION  ; -DCOMPRESSION=zlib: a quick build for tests (the upgrade test's older installer)
  SetCompressor ${COMPRESSION}
!else
  SetCompressor /SOLID lzma
  SetCompressorDictSize 64
!endif
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails hide
ShowUninstDetails hide

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "${APP_NAME} を起動する"

!insertmacro MUI_PAGE_WELCOME
;; The notice and the list of components; the full texts are installed (LICENSES.txt).
!insertmacro MUI_PAGE_LICENSE "${BUNDLE}/_internal/licenses/SUMMARY.txt"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Japanese"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileDescription" "${APP_NAME} セットアップ"
VIAddVersionKey /LANG=${LANG_JAPANESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "LegalCopyright" "MIT License"

;; A running program keeps its .exe open for execution, so Windows refuses to open it for writing:
;; that is the test. Interactive: ask to close it and retry. Silent: give up with exit code 3.
!macro DEFINE_CHECK_NOT_RUNNING PREFIX
Function ${PREFIX}CheckNotRunning
  retry:
  StrCpy $R0 ""
  ${If} ${FileExists} "$INSTDIR\${GUI_EXE}"
    ClearErrors
    FileOpen $R1 "$INSTDIR\${GUI_EXE}" a
    ${If} ${Errors}
      StrCpy $R0 "${GUI_EXE}"
    ${Else}
      FileClose $R1
    ${EndIf}
  ${EndIf}
  ${If} $R0 == ""
  ${AndIf} ${FileExists} "$INSTDIR\${CLI_EXE}"
    ClearErrors
    FileOpen $R1 "$INSTDIR\${CLI_EXE}" a
    ${If} ${Errors}
      StrCpy $R0 "${CLI_EXE}"
    ${Else}
      FileClose $R1
    ${EndIf}
  ${EndIf}
  ${If} $R0 != ""
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME} が起動中です（$R0）。$\r$\n$\r$\nお手数ですが、${APP_NAME} の画面をすべて閉じてから［再試行］を押してください。$\r$\n［キャンセル］を押すと、何も変更せずに終了します。" /SD IDCANCEL IDRETRY retry
    SetErrorLevel ${EXIT_APP_RUNNING}
    Quit
  ${EndIf}
FunctionEnd
!macroend
!insertmacro DEFINE_CHECK_NOT_RUNNING ""
!insertmacro DEFINE_CHECK_NOT_RUNNING "un."

Section "install"
  Call CheckNotRunning
  SetShellVarContext current
  ;; An upgrade replaces the program files whole, so nothing of the old version lingers.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File "${BUNDLE}/${GUI_EXE}"
  File "${BUNDLE}/${CLI_EXE}"
  File /r "${BUNDLE}/_internal"
  WriteUninstaller "$INSTDIR\${UNINSTALL_EXE}"

  CreateDirectory "${START_MENU}"
  CreateShortcut "${START_MENU}\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
  CreateShortcut "${START_MENU}\${APP_NAME} ライセンス.lnk" "$INSTDIR\_internal\licenses\LICENSES.txt"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALL_EXE}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALL_EXE}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Function un.onInit
  Call un.CheckNotRunning
FunctionEnd

;; Only what the installer wrote: the program files, the shortcuts and the uninstall key. The
;; install folder itself goes only when empty, so a folder chosen by hand keeps anything else.
Section "uninstall"
  SetShellVarContext current
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "${START_MENU}\${APP_NAME}.lnk"
  Delete "${START_MENU}\${APP_NAME} ライセンス.lnk"
  RMDir "${START_MENU}"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${UNINSTALL_EXE}"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
