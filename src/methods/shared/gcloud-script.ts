/**
 * Shell functions that `cloud/gcloud.sh` defines once and its sections call. Bash 3.2 (stock
 * macOS) and only gcloud, grep, sort and mktemp: no jq or python on the user's machine.
 */

/** `retry_iam CMD…`: what a section calls to run a command that may race IAM's propagation. */
export const RETRY_IAM = 'retry_iam';

/** `dns_zone_iam_member add|remove ZONE PROJECT ROLE MEMBER`: gcloud.sh adds, cloud/prune.sh removes. */
export const DNS_ZONE_IAM_MEMBER = 'dns_zone_iam_member';

/**
 * IAM is eventually consistent: a service account or custom role created a moment ago can still be
 * unknown to the next call ("does not exist", "role not found"). Google advises retrying with
 * backoff; here 6 tries, 5 s doubling (about 2.5 minutes in all). Exit status 3 means "refused,
 * retrying will not help" (see dns_zone_iam_member) and is passed straight back.
 * @see https://cloud.google.com/iam/docs/access-change-propagation
 */
export const RETRY_IAM_FUNCTION = `# IAM is eventually consistent: a service account or role created a moment ago may not be
# known yet to the next call. Retry with growing pauses (6 tries, about 2.5 minutes).
${RETRY_IAM}() {
  local attempt=1 pause=5 status
  while :; do
    status=0
    "$@" || status=$?
    if [ "$status" -eq 0 ]; then
      return 0
    fi
    if [ "$status" -eq 3 ] || [ "$attempt" -ge 6 ]; then
      return "$status"
    fi
    echo "wi-gen: retrying in \${pause}s (IAM may not know a new service account or role yet): $*" >&2
    sleep "$pause"
    attempt=$((attempt + 1))
    pause=$((pause * 2))
  done
}`;

/**
 * Cloud DNS has per-zone IAM (GA) but gcloud offers only `managed-zones get-iam-policy` and
 * `set-iam-policy --policy-file` (gcloud 528: no add-iam-policy-binding in any track), so the
 * script does the read-modify-write itself:
 * - the etag is read before the bindings, so if anyone changes the policy in between,
 *   set-iam-policy sends a stale etag and fails (HTTP 409) instead of dropping their change;
 * - gcloud's own `--flatten`/`--format` turn the policy into role<TAB>member lines, which are
 *   rebuilt into the Policy JSON ({etag, bindings: [{role, members}]}), grouped by role;
 * - a member already present returns at once (idempotent re-runs, no write);
 * - a policy with conditional bindings is refused (status 3): the flat view would lose the
 *   conditions. Quotes or backslashes (which no IAM member or role contains) are refused too,
 *   so nothing read from the policy can break the JSON.
 * Everything returns a status instead of relying on `set -e`, which bash switches off inside a
 * function called from a condition (as retry_iam does).
 * @see https://cloud.google.com/dns/docs/zones/iam-per-resource-zones
 * @see https://cloud.google.com/sdk/gcloud/reference/dns/managed-zones/set-iam-policy
 * @see https://cloud.google.com/iam/docs/reference/rest/v1/Policy
 */
export const DNS_ZONE_IAM_MEMBER_FUNCTION = `# Add (or remove) MEMBER as ROLE on one Cloud DNS managed zone. gcloud has no
# add/remove-iam-policy-binding for zones, so read the policy, change the member and write it
# back; the etag (read first) makes a concurrent change fail the write instead of being lost.
${DNS_ZONE_IAM_MEMBER}() {
  local action="$1" zone="$2" project="$3" role="$4" member="$5"
  local etag pairs rows pair_role pair_member conditional policy_file found=''
  etag="$(gcloud dns managed-zones get-iam-policy "$zone" --project "$project" --format='value(etag)')" || return 1
  pairs="$(gcloud dns managed-zones get-iam-policy "$zone" --project "$project" \\
    --flatten='bindings[].members' \\
    --format='value(bindings.role,bindings.members,bindings.condition.yesno(yes=conditional,no=""))')" || return 1
  rows=''
  if [ "$action" = add ]; then
    rows="$role"$'\\t'"$member"
  fi
  while IFS=$'\\t' read -r pair_role pair_member conditional; do
    [ -n "$pair_role" ] || continue
    if [ -n "$conditional" ]; then
      echo "wi-gen: managed zone $zone in $project has conditional role bindings; $action $role for $member there by hand" >&2
      return 3
    fi
    if [ "$pair_role" = "$role" ] && [ "$pair_member" = "$member" ]; then
      [ "$action" = remove ] || return 0
      found=yes
      continue
    fi
    rows="$rows"$'\\n'"$pair_role"$'\\t'"$pair_member"
  done <<POLICY
$pairs
POLICY
  if [ "$action" = remove ] && [ -z "$found" ]; then
    return 0
  fi
  case "$rows$etag" in
    *\\"* | *\\\\*)
      echo "wi-gen: unexpected quote or backslash in the IAM policy of managed zone $zone in $project; $action $role for $member by hand" >&2
      return 3
      ;;
  esac
  policy_file="$(mktemp "\${TMPDIR:-/tmp}/wi-gen-zone-policy.XXXXXX")" || return 1
  {
    printf '{\\n  "etag": "%s",\\n  "bindings": [' "$etag"
    printf '%s\\n' "$rows" | LC_ALL=C sort -u | {
      previous=''
      separator=''
      while IFS=$'\\t' read -r pair_role pair_member; do
        [ -n "$pair_role" ] || continue
        if [ "$pair_role" != "$previous" ]; then
          [ -z "$previous" ] || printf ']},'
          printf '\\n    {"role": "%s", "members": [' "$pair_role"
          previous="$pair_role"
          separator=''
        fi
        printf '%s"%s"' "$separator" "$pair_member"
        separator=', '
      done
      [ -z "$previous" ] || printf ']}'
      printf '\\n  ]\\n}\\n'
    }
  } >"$policy_file" || {
    rm -f "$policy_file"
    return 1
  }
  if ! gcloud dns managed-zones set-iam-policy "$zone" --project "$project" --policy-file "$policy_file" >/dev/null; then
    rm -f "$policy_file"
    return 1
  fi
  rm -f "$policy_file"
}`;
