/**
 * The one dictionary of the console's Chinese message per API error code (the `code` of a problem+json
 * answer). Its keys are exactly the codes of src/api/problems.ts (test/unit/api/problems.test.ts).
 */
export const ERROR_MESSAGES = {
  validation: '填写的内容有误，请按提示修改',
  malformed_body: '请求内容格式错误，无法解析',
  bad_request: '请求有误',
  multipart: '上传的文件或表单有误',
  plan_invalid: '应急预案数据有误',
  invalid_forecast: '预报数据有误（日期须连续、不重复）',
  unauthenticated: '未登录或登录已失效，请重新登录',
  forbidden: '无权进行此操作',
  csrf: '页面已过期或请求来源不明，请刷新页面后重试',
  not_found: '未找到所请求的内容',
  method_not_allowed: '不支持此操作',
  not_acceptable: '无法提供所请求的格式',
  conflict: '与现有数据冲突，请刷新后重试',
  invalid_transition: '当前阶段不能进行此操作',
  stale_proposal: '该请示已不是待批示的请示，请刷新后重试',
  idempotency_in_progress: '上一次提交仍在处理中，请稍候',
  precondition_failed: '内容已被他人修改，请刷新后重试',
  payload_too_large: '文件或内容过大',
  quota_exceeded: '本单位照片存储空间已满，请删除未使用的照片',
  image_too_large: '照片像素过大，请压缩后再上传',
  expired: '申请已过期，请重新提交',
  unsupported_media_type: '不支持的文件类型',
  idempotency_key_reused: '重复提交的内容与首次提交不一致',
  insufficient_data: '数据不足，暂无法判断',
  rate_limited: '操作过于频繁，请稍后再试',
  internal: '系统内部错误，请联系系统管理员',
  unavailable: '系统暂时不可用，请稍后重试',
  pdf_unavailable: '暂无法生成PDF（服务器未安装LibreOffice），请下载DOCX或HTML版本',
};
