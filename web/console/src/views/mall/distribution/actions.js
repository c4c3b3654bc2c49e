// Staff decisions on distributors and withdrawals, shared by the distribution tabs and the distributor page: each asks
// for confirmation (and a reason where the API wants one), calls the API and answers the updated record or null.
import { ElMessage, ElMessageBox } from 'element-plus'
import { api } from '../../../api.js'
import { formatFen } from '../../../format.js'
import i18n from '../../../i18n/index.js'

const t = (...a) => i18n.global.t(...a)

// Asks for a reason (1..200 characters) in a prompt; null when cancelled.
async function askReason(title, message, placeholder) {
  try {
    const { value } = await ElMessageBox.prompt(message, title, {
      confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel'), inputPlaceholder: placeholder,
      inputType: 'textarea', customClass: 'dist-reason-box',
      inputValidator: (v) => (String(v || '').trim() ? (String(v).trim().length <= 200 || t('dist.reasonTooLong')) : t('dist.reasonRequired'))
    })
    return String(value).trim()
  } catch {
    return null
  }
}

export async function approveDistributor(d) {
  try {
    await ElMessageBox.confirm(t('dist.approveConfirm', { name: d.name }), t('dist.approve'), {
      type: 'info', confirmButtonText: t('dist.approve'), cancelButtonText: t('common.cancel')
    })
  } catch { return null }
  try {
    const x = await api.post(`/distributors/${d.customer_id}/approve`, {})
    ElMessage.success(t('dist.approved', { name: d.name }))
    return x
  } catch { return null }
}

export async function rejectDistributor(d) {
  const reason = await askReason(t('dist.reject'), t('dist.rejectPrompt', { name: d.name }), t('dist.rejectPlaceholder'))
  if (reason === null) return null
  try {
    const x = await api.post(`/distributors/${d.customer_id}/reject`, { reason })
    ElMessage.success(t('dist.rejected', { name: d.name }))
    return x
  } catch { return null }
}

export async function disableDistributor(d) {
  const reason = await askReason(t('dist.disable'), t('dist.disablePrompt', { name: d.name }), t('dist.disablePlaceholder'))
  if (reason === null) return null
  try {
    const x = await api.post(`/distributors/${d.customer_id}/disable`, { reason })
    ElMessage.success(t('dist.disabled', { name: d.name }))
    return x
  } catch { return null }
}

export async function rejectWithdrawal(w, who) {
  const reason = await askReason(t('dist.wReject'), t('dist.wRejectPrompt', { who, amount: formatFen(w.amount) }), t('dist.wRejectPlaceholder'))
  if (reason === null) return null
  try {
    const x = await api.post(`/distribution/withdrawals/${w.id}/reject`, { reason })
    ElMessage.success(t('dist.wRejected'))
    return x
  } catch { return null }
}

