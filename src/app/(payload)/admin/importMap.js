import { ConfirmSensitiveSave as ConfirmSensitiveSave_72fd18431b13b04b5ab9aabba9ec0a49 } from '../../../components/admin/ConfirmSensitiveSave'
import { CheckBalance as CheckBalance_52021f59ce66de54f4cc949ed5b42490 } from '../../../components/admin/CheckBalance'
import { GenerateCodes as GenerateCodes_b6b6ef1beec5697680740f06503c6c43 } from '../../../components/admin/GenerateCodes'
import { OrderActions as OrderActions_42735e497e40d1f2d21d56bf07558f53 } from '../../../components/admin/OrderActions'
import { SecondFactorNotEnforced as SecondFactorNotEnforced_be30e61eaf18c54a3b4b32d637d988a4 } from '../../../components/second-factor/SecondFactorNotEnforced'
import { SecondFactorGate as SecondFactorGate_e1466af0cddfc7295963ef18bceac91c } from '../../../components/second-factor/SecondFactorGate'
import { CollectionCards as CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1 } from '@payloadcms/next/rsc'

/** @type import('payload').ImportMap */
export const importMap = {
  "/components/admin/ConfirmSensitiveSave#ConfirmSensitiveSave": ConfirmSensitiveSave_72fd18431b13b04b5ab9aabba9ec0a49,
  "/components/admin/CheckBalance#CheckBalance": CheckBalance_52021f59ce66de54f4cc949ed5b42490,
  "/components/admin/GenerateCodes#GenerateCodes": GenerateCodes_b6b6ef1beec5697680740f06503c6c43,
  "/components/admin/OrderActions#OrderActions": OrderActions_42735e497e40d1f2d21d56bf07558f53,
  "/components/second-factor/SecondFactorNotEnforced#SecondFactorNotEnforced": SecondFactorNotEnforced_be30e61eaf18c54a3b4b32d637d988a4,
  "/components/second-factor/SecondFactorGate#SecondFactorGate": SecondFactorGate_e1466af0cddfc7295963ef18bceac91c,
  "@payloadcms/next/rsc#CollectionCards": CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1
}
