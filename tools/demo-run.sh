#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo itself, on built binaries:
#   tools/demo-run.sh ISMSCTL PAM_ISMS_SO DIR [DPMSCTL AUDISP_ISMS]
# tools/demo.sh builds and calls it; tests/cli/test_demo.sh checks what it shows.
set -eu
cd "$(dirname "$0")/.."
ISMSCTL=$1
PAM_ISMS_SO=$2
D=$3
DPMSCTL=${4:-$(dirname "$ISMSCTL")/dpmsctl}
AUDISP_ISMS=${5:-$(dirname "$ISMSCTL")/../auditd_plugin/audisp-isms}
ISMS_DATA_DIR="$PWD/data"
ISMS_STORE="$D/store.db"
export ISMS_DATA_DIR ISMS_STORE
rm -rf "$D"
mkdir -p "$D"

if [ -t 1 ]; then BOLD=$(printf '\033[1m'); PLAIN=$(printf '\033[0m'); else BOLD=; PLAIN=; fi
step() { printf '\n%s== %s%s\n$ %s\n' "$BOLD" "$1" "$PLAIN" "$2"; }
show() { title=$1; shift; step "$title" "ismsctl $*"; "$ISMSCTL" "$@"; }

show "Create the store and load the ISO 27001:2022 Annex A and BSI catalogues" init
show "Load the demo organisation (all or nothing)" import data/demo/org.json
show "The scope, approved by management" scope list
show "Assets and their protection requirements (BSI 200-2)" asset list
show "Inherent risk matrix (BSI 200-3, 4x4)" risk matrix
show "Residual risk matrix after treatment" risk matrix --residual
show "Top risks" risk top -n 6
show "Statement of Applicability, summary" soa --summary
show "Everything overdue" overdue
show "Security budget" budget
# Logins decided by the real pam_isms.so in a real PAM stack: pam_wrapper
# gives the demo its own PAM configuration and nss_wrapper its own users, so
# nothing on this machine is touched.
install -m 0600 data/demo/policy.json "$D/policy.json"
mkdir -p "$D/pam.d"
for t in account session; do
	echo "$t required $PAM_ISMS_SO policy=$D/policy.json store=$ISMS_STORE noaudit"
done >"$D/pam.d/sshd"
show "The access policy of bastion-01" policy check "$D/policy.json"
login() {
	user=$1 from=$2
	step "Login: $user from $from" "pamtester -I rhost=$from sshd $user acct_mgmt open_session close_session"
	env LD_PRELOAD="${ISMS_DEMO_PRELOAD:-}${ISMS_DEMO_PRELOAD:+ }libpam_wrapper.so libnss_wrapper.so" PAM_WRAPPER=1 \
		PAM_WRAPPER_SERVICE_DIR="$D/pam.d" NSS_WRAPPER_PASSWD="$PWD/data/demo/passwd" \
		NSS_WRAPPER_GROUP="$PWD/data/demo/group" \
		pamtester -I rhost="$from" sshd "$user" acct_mgmt open_session close_session 2>&1 |
		grep -v '^PWRAP' || true
}
login alice 10.1.2.3
login bob 10.1.2.3
login carol 10.1.2.3
login tkoch 203.0.113.9
login mallory 203.0.113.9
show "Why was bob denied? (exit 1: denied)" policy test --policy "$D/policy.json" --user bob --from 10.1.2.3 --groups bob || true
show "The facts those logins were decided on (rewritten by every change above)" snapshot --show
# In production audisp-isms drains the journal within a second; here by hand.
show "The logins' journal, into the evidence chain" journal drain
show "The evidence those logins left" evidence list --source pam_isms
# Check: the control tests (ISO 27001 9.1) turn that evidence into results.
show "Control tests, built in for what the hosts evidence" test list
show "The security officer attests that this quarter's alerts were followed up" \
	test attest monitoring-attested --by mschulz --note "alerts of the quarter followed up"
show "Assess: each due test over its period's evidence, results into the chain" assess
step "The SoA: claimed status beside the observed one (controls with tests)" "ismsctl soa"
"$ISMSCTL" soa | awk 'NR == 1 || / (pass|fail|insufficient) /'
show "Nonconformities: the failing test and the break-glass login opened them (ISO 27001 10.2)" \
	nc list
show "Their risks are up for reassessment: the cycle runs again" review due
show "It closes only when the test passes over a later month (exit 1: not yet)" \
	nc close NC-2 || true

# The internal audit (9.2): an auditor independent of the area audited.
MONTH=$(date -u +%Y-%m)
"$ISMSCTL" -q person add --name ikrause --full-name "Ines Krause" --role auditor
show "An audit by the security officer of an area he owns is refused (exit 6)" \
	audit add --title "Access control and privileged access" --programme 2026 \
	--scope "logins to the hosts in scope" --controls 5.15,8.2 --assets bastion-01 \
	--auditor mschulz --auditee tkoch || true
show "The internal audit, by the internal auditor" \
	audit add --title "Access control and privileged access" --programme 2026 \
	--scope "logins to the hosts in scope" --criteria "ISO 27001 5.15, 8.2; the access policy" \
	--controls 5.15,8.2 --assets bastion-01 --auditor ikrause --auditee tkoch \
	--planned "$(date -u +%F)"
show "Her work paper: a reproducible sample of the month's login evidence" \
	audit sample --control 5.15 --period "$MONTH" -n 5 --seed 42 --audit IA-1
show "Her finding, a nonconformity" \
	audit finding IA-1 --title "Access review of bob on bastion-01 overdue" \
	--controls 5.15 --risks R-2 --responsible tkoch --due "$(date -u -d '+30 days' +%F)"
"$ISMSCTL" -q audit set IA-1 --status reported --held "$(date -u +%F)" --result minor_findings

# The registers an audit asks for (context, interested parties, objectives,
# competence, incidents): the management review's inputs draw on them.
"$ISMSCTL" -q issue add --title "NIS2 obligations for logistics operators" --kind external \
	--owner hbauer --next-review 2027-06-30
"$ISMSCTL" -q party add --name bsi --title "BSI (national authority)" --kind authority
"$ISMSCTL" -q requirement add --party bsi --title "report significant incidents within 24 h" \
	--controls 5.24,5.26
"$ISMSCTL" -q objective add --title "No emergency access outside incidents" \
	--success "break-glass-unused passes every month" --test break-glass-unused \
	--owner mschulz --due 2027-06-30
"$ISMSCTL" -q training add --person mschulz --topic "ISO 27001 lead implementer" \
	--role security_officer --completed 2025-03-14 --valid-until 2028-03-13
show "Competence (7.2): who holds a role, and their valid trainings" competence
"$ISMSCTL" -q incident add --title "Emergency login on bastion-01" --severity medium \
	--detected-at "$(date -u +%FT%TZ)" --handler mschulz --nonconformity NC-1
"$ISMSCTL" -q incident event INC-1 --what "login reviewed with tkoch: planned maintenance" \
	--by mschulz
show "A security incident's timeline (5.24-5.28)" incident timeline INC-1

# The management review (9.3): inputs from the store, decisions, approval.
QUARTER="$(date -u +%Y)-Q$((($(date -u +%-m) + 2) / 3))"
show "The management review's inputs (9.3.2 a-g), from the store" \
	management-review inputs --period "$QUARTER" --improvement "automate the access reviews"
show "The review held, its inputs frozen and hashed into the chain" \
	management-review record --period "$QUARTER" --chair hbauer \
	--attendees "hbauer, kweber, mschulz" --minutes "MR-2026-2" \
	--improvement "automate the access reviews"
"$ISMSCTL" -q management-review decide MR-1 --kind measure \
	--text "Hardware keys for all administrators" --owner mschulz --due 2027-03-31
"$ISMSCTL" -q management-review decide MR-1 --kind nonconformity \
	--text "Access reviews done late" --owner mschulz --due 2027-01-31
"$ISMSCTL" -q management-review decide MR-1 --kind change \
	--text "Bring the branch office into the scope" --owner hbauer --due 2027-06-30
show "Approved by management: the decisions become a measure, a nonconformity and a change" \
	management-review approve MR-1 --by hbauer
# Risk acceptance means what it says, and every change is in the register's history.
show "Not acceptable now: R-1 until its measure is implemented, R-8 since its acceptance expired" \
	risk list --acceptable no
show "Management renews R-8's acceptance, with conditions (ISO 27001 6.1.3 f)" \
	risk accept R-8 --by hbauer --until 2027-09-30 --conditions "UPS tested every year"
show "Who changed R-8, when, and what it said before" history R-8
# Decisions are taken by the role that may take them (ISO 27001 5.3).
show "The security officer and the DPO, appointed by management" appointment list
show "carol, a user who left in June, cannot approve the scope (exit 5)" \
	scope set it-operations --approved-by carol --approved-at "$(date -u +%F)" || true
"$ISMSCTL" -q person set tkoch --role asset_owner,security_officer
show "Nor is a second security officer appointed beside Mara Schulz (exit 5)" \
	appointment add --person tkoch --role security_officer --appointed-by hbauer \
	--since "$(date -u +%F)" || true
"$ISMSCTL" -q person set tkoch --role asset_owner
show "Risks, per objective, held to their assets' protection requirements" risk show R-5
show "What the matrix's values mean for this organisation" risk matrix
show "Assets with a high or very high requirement and no risk analysis (BSI 200-3)" risk gaps
show "One measure for two risks and two controls, counted once in the budget" \
	measure add --title "Password manager with MFA for administrators" --risk R-9,R-12 \
	--control 5.17,8.5 --owner mschulz --cost 4800 --due 2027-03-31
show "The budget, each measure once" budget
show "The SoA proposed for approval by management" soa propose --title "SoA 2026" --by mschulz
show "Management cannot approve it while controls are undecided (exit 5)" \
	soa approve SOA-1 --by hbauer || true

show "The report to the board, one self-contained HTML file (open it in a browser)" \
	report --format html -o "$D/report.html"
step "The same report for email (the first lines)" "ismsctl report --format md --dry-run"
"$ISMSCTL" report --format md --dry-run | head -n 40
# Grundschutz++ (BSI 200-2): the hosts and services are modelled as target
# objects (data/demo/org.json), each with what it depends on.
G=data/bsi-grundschutz-plusplus
show "Grundschutz++: protection requirements inherited along the dependencies (maximum principle)" \
	asset protection
show "The BSI's Grundschutz++ Kernel (901 requirements)" \
	catalogue import "$G/BSI-Stand-der-Technik-Kernel-catalog.json" --name gspp-kernel
"$ISMSCTL" -q catalogue import "$G/BSI-Methodik-Grundschutz++-catalog.json" --name gspp-methodik
"$ISMSCTL" -q catalogue import "$G/ISO27001-AnnexA-to-GS++-mapping_collection.json" \
	--name iso-to-gspp
show "... its method catalogue and the BSI's mapping from ISO 27001 Annex A" catalogue list
step "The requirement package of db-prod-01 (very high confidentiality): normal-SdT and erhöht" \
	"ismsctl package list --asset db-prod-01"
"$ISMSCTL" package list --asset db-prod-01 | awk 'NR <= 8 || / requirements \(/'
"$ISMSCTL" -q asset add --name kiosk-01 --type host --target-object Hostsysteme --owner tkoch \
	--scope it-operations --description "Visitor kiosk in the lobby"
step "A new host of normal requirements, kiosk-01: no erhöht requirement in its package" \
	"ismsctl package list --asset kiosk-01"
"$ISMSCTL" package list --asset kiosk-01 | awk 'NR <= 4 || / requirements \(/'
show "Tailoring: excluding a requirement needs the risk analysis behind it (exit 5)" \
	tailoring add --asset kiosk-01 --requirement ASST.5.1 --action exclude \
	--justification "maintained by the lessor" || true
"$ISMSCTL" -q risk add --title "Kiosk maintenance left to the lessor" --asset kiosk-01 \
	--likelihood 1 --impact 1 --owner tkoch
show "... with it, the exclusion is recorded" tailoring add --asset kiosk-01 \
	--requirement ASST.5.1 --action exclude --justification "maintained by the lessor" --risk R-7
show "The requirement check: db-prod-01's time sources" implementation add --asset db-prod-01 \
	--requirement KONF.4.5 --status yes --owner tkoch --notes "chrony against the PTB's servers"
"$ISMSCTL" -q implementation add --asset db-prod-01 --requirement KONF.5.2 --status partly \
	--owner tkoch --notes "pam_limits on the admin accounts only"
"$ISMSCTL" -q implementation add --asset bastion-01 --requirement KONF.4.5 --status yes \
	--owner tkoch
step "Requirements evidenced from the hosts: the control tests' results beside the check" \
	"ismsctl package list --asset bastion-01 --observed"
"$ISMSCTL" package list --asset bastion-01 --observed
step "The method catalogue, answered from the register itself" "ismsctl package list --domain --observed"
"$ISMSCTL" package list --domain --observed
show "OSCAL for the GRC tool: the system security plan" oscal export ssp -o "$D/ssp.json"
show "the month's assessment results" oscal export assessment-results -o "$D/assessment-results.json"
show "and the plan of action and milestones" oscal export poam -o "$D/poam.json"
show "Evidence chain" verify

# --- The data protection officer's side: a store of its own. ---------------------
# In a directory of its own, as /var/lib/isms-dpms, which init gives to the
# DPO's group (here the demo's own group): its members read, root writes.
DP="$D/dpms/dpms.db"
dpo() { title=$1; shift; step "$title" "dpmsctl $*"; "$DPMSCTL" --store "$DP" "$@"; }
dpo "The DPO's store, apart from the ISMS store, readable by the DPO's group" \
	init --group "$(id -gn)"
dpo "Records of processing, DPO, screenings, a DPIA, requests, a breach" import data/demo/dpms.json
mkdir -p "$D/data/hr/payroll" "$D/data/cctv"
"$DPMSCTL" --store "$DP" -q location add --activity PA-1 --path "$D/data/hr/payroll" --description "payroll exports"
"$DPMSCTL" --store "$DP" -q location add --activity PA-3 --path "$D/data/cctv" --kind directory --description "recordings"
dpo "Processing activities (GDPR Art. 30)" activity list
dpo "The record of one activity for the supervisory authority (fields still missing are marked)" \
	ropa export --activity PA-2
dpo "The auditd rules that watch where the personal data lives" audit-rules
dpo "Data subject requests: one month (Art. 12(3)), overdue first" request due
dpo "DPIA screening with the nine WP248 criteria" screening list
# Real accesses to personal data, recorded by the real auditd on this kind of
# machine through the dpms: rules, brought in by audisp-isms as it would live.
printf '{"dpms_store": "%s", "spool": "%s/spool"}\n' "$DP" "$D" >"$D/audit.json"
chmod 0644 "$D/audit.json"
step "Accesses to the payroll data, from the audit trail" \
	"audisp-isms -c audit.json --replay data/demo/dpms-access.log"
"$AUDISP_ISMS" -c "$D/audit.json" --store "$ISMS_STORE" --spool "$D/spool" --stats \
	--replay data/demo/dpms-access.log
dpo "What the DPMS store holds of them" evidence list
dpo "The DPO's review: who touched personal data without being authorised" review run
dpo "Findings" finding list
dpo "The DPO judges the late read justified (approved overtime)" \
	finding set F-1 --status justified --justification "Payroll run after hours, approved by HR" \
	--reviewed-by "Jonas Richter"
dpo "and opens the unauthorised read as a breach candidate" finding breach F-2
dpo "Breaches and their 72 hours (Art. 33), overdue first" breach due
show "The breaches are nonconformities of the ISMS too (5.34)" nc breaches --dpms-store "$DP"
dpo "Per person" review summary --by person
dpo "The DPMS evidence chain" verify
printf '\nThe demo stores are %s and %s; try: %s --store %s risk show R-12\n' \
	"$ISMS_STORE" "$DP" "$ISMSCTL" "$ISMS_STORE"
