int ctrancheproto_placeholder(void);
