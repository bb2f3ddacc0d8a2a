variable "region" {
  description = "Region the stack deploys to"
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "Account the stack deploys to"
  type        = string
}

variable "app_name" {
  type    = string
  default = "secure-app"
}
